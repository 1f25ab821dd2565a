//! Live tail's pace, which the page keeps and the benchmark measures.

/// Seconds between two refreshes of a live first page.
pub const LIVE_SECONDS: u64 = 5;

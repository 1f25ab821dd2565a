//! Live tail's pace, which the page keeps and the benchmark measures.

/// Seconds between two refreshes of a live first page.
pub const LIVE_SECONDS: u64 = 5;

/// The id of the part of the logs page live tail refreshes (the table and the page links).
pub const RESULTS_ID: &str = "results";

//! Types a page receives from the server and what both halves agree on, compiled for both.
pub mod api_reference;
pub mod live_tail;

//! The parts of a page that are hydrated in the browser; everything else is rendered on the
//! server only. An island's props are serialized into the page, so they carry its words in
//! the page language rather than the translations.
pub mod export_link;
pub mod live_tail;

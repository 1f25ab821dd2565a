//! Types a page receives from the server, compiled for both halves.
pub mod api_reference;

//! The server half: configuration and CLI, the store, ingest, demo data and the HTTP app.
pub mod cli;
pub mod demo;
pub mod explain;
pub mod http;
pub mod ingest;
pub mod store;
pub mod time;

//! The server half: configuration and CLI, the store, ingest, importers and the new-api sync,
//! alerts, demo data, the page views and the HTTP app.
pub mod alerts;
pub mod auth;
pub mod bench;
pub mod cli;
pub mod csv_format;
pub mod demo;
pub mod explain;
pub mod http;
pub mod import;
pub mod ingest;
pub mod metrics;
pub mod newapi;
pub mod retention;
pub mod startup;
pub mod store;
pub mod sync;
pub mod time;
pub mod views;

//! The HTTP app: Leptos pages and server functions, the JSON API, health and assets.
pub mod channels;
pub mod client;
pub mod explain_api;
pub mod export;
pub mod fault;
pub mod health;
pub mod ingest_api;
pub mod lang;
pub mod metrics;
pub mod openapi;
pub mod page_policy;
pub mod pages;
pub mod prefs;
pub mod read_api;
pub mod router;

pub use router::serve;

//! The HTTP app: axum handlers for the JSON API, export, preferences, health checks and
//! assets, and the router that mounts them beside the Leptos pages and server functions.
pub mod assets;
pub mod client;
pub mod explain_api;
pub mod export;
pub mod fault;
pub mod form_answer;
pub mod ingest_api;
pub mod lang;
pub mod metrics;
pub mod openapi;
pub mod page_policy;
pub mod prefs;
pub mod read_api;
pub mod router;
pub mod sealed;

pub use router::serve;

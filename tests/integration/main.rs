//! The integration tests, as one test binary: each module was its own binary before, and every
//! binary linked the whole server (most of the suite's build time).
#![cfg(feature = "ssr")]
#![recursion_limit = "256"]
mod common;

mod access_control;
mod alerts;
mod api_docs;
mod assets;
mod catalogue_seeds;
mod channel_health;
mod database;
mod deploy_defaults;
mod explanations_page;
mod fuzz_untrusted;
mod health_rollups;
mod import_file;
mod import_newapi;
mod ingest_api;
mod islands;
mod preferences;
mod read_api;
mod real_messages;
mod replicas;
mod retention;
mod security;
mod sources_page;
mod store_and_http;

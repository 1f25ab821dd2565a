//! Accounts and access: passwords, sessions, sign-in, the viewer of each request, and the
//! same-origin guard on every state-changing request.
pub mod accounts;
pub mod admin_error;
pub mod audit;
pub mod guard;
pub mod ingest_keys;
pub mod login;
pub mod password;
pub mod session;
pub mod viewer;

pub use admin_error::AdminError;
pub use viewer::{AccessError, Viewer};

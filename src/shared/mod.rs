//! Types a page receives from the server and what both halves agree on, compiled for both.
pub mod admin;
pub mod api_reference;
pub mod assets;
pub mod failure;
pub mod health;
pub mod live_tail;
pub mod logs;

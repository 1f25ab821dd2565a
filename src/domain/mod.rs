//! Pure domain logic, compiled for both the server and the browser: no I/O here.
pub mod access;
pub mod attempts;
pub mod attribution;
pub mod catalogue;
pub mod field_error;
pub mod filter;
pub mod health;
pub mod lang;
pub mod log;
pub mod mask;
pub mod plain_words;
pub mod retention;
pub mod scope;
pub mod signal;
pub mod status;
pub mod support;
pub mod sync;

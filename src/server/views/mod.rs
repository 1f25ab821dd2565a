//! Page logic: what each page receives (the `shared` types), built from the store for the
//! viewer asking, in their zone and language. Server functions and the read API call it.
pub mod admin;
pub mod asker;
pub mod channels;
pub mod freshness;
pub mod health;
pub mod logs;

#![recursion_limit = "256"]
pub mod domain;

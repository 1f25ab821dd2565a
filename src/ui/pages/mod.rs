pub mod details;
pub mod health;
pub mod logs;
pub mod reference;

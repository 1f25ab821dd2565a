pub mod audit;
pub mod details;
pub mod health;
pub mod login;
pub mod logs;
pub mod reference;
pub mod retention;
pub mod users;

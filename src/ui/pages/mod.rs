pub mod details;
pub mod logs;
pub mod reference;

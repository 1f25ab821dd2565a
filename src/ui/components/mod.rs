pub mod account_menu;
pub mod badges;
pub mod copy_button;
pub mod keyboard;

pub mod account_menu;
pub mod admin_form;
pub mod badges;
pub mod copy_button;
pub mod guidance;
pub mod keyboard;
pub mod skeleton;
pub mod theme_switch;

//! Where the page finds the stylesheet: an address that changes with its contents.

/// `/app.<hash>.css`, written by build.rs beside the stylesheet it names.
pub const APP_CSS_HREF: &str = include!(concat!(env!("OUT_DIR"), "/app_css_href.rs"));

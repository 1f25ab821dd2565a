#![recursion_limit = "256"]
//! errscope: an error-log query console for LLM API relays.
//! `domain` is pure and compiled for both halves; `server` is the server half; `ui` the pages.
pub mod domain;
#[cfg(feature = "ssr")]
pub mod server;
pub mod ui;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(ui::App);
    // Lets tests and scripts tell a hydrated page from a server-rendered one.
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "true");
    }
    remember_browser_zone();
}

/// Tells the server the browser's time zone (the `errscope_tz` cookie) when it does not know
/// it yet or the browser moved, so pages render in the viewer's zone from the next load on.
#[cfg(feature = "hydrate")]
fn remember_browser_zone() {
    use wasm_bindgen::JsCast;
    let Some(doc) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
    else {
        return;
    };
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
        .resolved_options();
    if let Some(zone) = js_sys::Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|z| z.as_string())
    {
        use ui::cookie::{cookie_value, ZONE_COOKIE};
        let value = zone.replace('/', "%2F");
        let known = doc.cookie().ok();
        if known.as_deref().and_then(|c| cookie_value(c, ZONE_COOKIE)) != Some(value.as_str()) {
            let _ = doc.set_cookie(&format!(
                "{ZONE_COOKIE}={value}; Path=/; Max-Age=31536000; SameSite=Lax"
            ));
        }
    }
}

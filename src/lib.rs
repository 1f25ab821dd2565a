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
}

//! What the browser half does for the whole document (hydrate build only): in-place
//! navigation, keyboard shortcuts, copy buttons, and the marker tests wait on. The pages are
//! rendered on the server; only `ui::islands` are hydrated.
pub mod clipboard;
pub mod csv_download;
pub mod islands_runtime;
pub mod keyboard;
pub mod navigation;
pub mod page_fetch;
pub mod results_refresh;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Installs the document-wide behaviours once, when the wasm has loaded.
pub fn install() {
    navigation::install();
    keyboard::install();
    clipboard::install();
    islands_runtime::mark_hydrated_when_islands_are_live();
}

/// Calls `f` on every `name` event at `target` for the life of the document.
fn listen<E: JsCast + 'static>(target: &web_sys::EventTarget, name: &str, f: impl Fn(E) + 'static) {
    let closure = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        if let Ok(ev) = ev.dyn_into::<E>() {
            f(ev);
        }
    });
    let _ = target.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
    closure.forget();
}

/// The document (None only outside a browser window).
fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// The nodes of a `NodeList` that are `T`s.
fn elements<T: JsCast>(list: &web_sys::NodeList) -> impl Iterator<Item = T> + '_ {
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<T>().ok())
}

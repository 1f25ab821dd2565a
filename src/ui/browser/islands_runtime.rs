//! The bridge to leptos' island loader: hydrating the islands of a page swapped in place, and
//! the `data-hydrated` marker on `<body>` once a page's islands are live.
use wasm_bindgen::JsCast;

/// Marks `<body data-hydrated>` after the loader has hydrated this page's islands: it does so
/// in microtasks right after `hydrate()` returns, so a zero-delay timer runs after them.
pub fn mark_hydrated_when_islands_are_live() {
    leptos::prelude::set_timeout(mark_hydrated, std::time::Duration::ZERO);
}

fn mark_hydrated() {
    if let Some(body) = super::document().and_then(|d| d.body()) {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

/// Hydrates every island of the current body (a page swapped in by navigation), then marks it.
pub fn hydrate_new_islands() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let hydrate_island = js_sys::Reflect::get(&window, &"__hydrateIsland".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let islands = window
        .document()
        .and_then(|d| d.query_selector_all("leptos-island").ok());
    if let (Some(hydrate_island), Some(islands)) = (hydrate_island, islands) {
        for island in super::elements::<web_sys::HtmlElement>(&islands) {
            if let Some(name) = island.dataset().get("component") {
                let _ = hydrate_island.call2(&window, &island, &name.into());
            }
        }
    }
    mark_hydrated_when_islands_are_live();
}

//! Live tail on Usage Logs: while switched on, the first page refreshes every few seconds with
//! one request, and rows that were not there before are marked. It waits while the tab is
//! hidden, while the page is scrolled, while a row is selected, and on an older page.
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};

pub use crate::shared::live_tail::LIVE_SECONDS;

/// The switch; `live` is read by `follow`.
#[component]
pub fn LiveSwitch(live: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="inline-flex items-center gap-1 text-sm" title=move || t_string!(i18n, logs.live_hint)>
            <input type="checkbox" data-testid="live" prop:checked=move || live.get()
                on:change=move |ev| live.set(event_target_checked(&ev))/>
            {t!(i18n, logs.live)}
            {move || live.get().then(|| view! {
                <span class="inline-block w-2 h-2 rounded-full bg-emerald-500 animate-pulse" aria-hidden="true"></span>
            })}
        </label>
    }
}

/// Calls `refresh` every `LIVE_SECONDS` while `live` is on and `first_page()` holds and the
/// reader is not busy elsewhere (browser only).
pub fn follow(
    live: RwSignal<bool>,
    first_page: impl Fn() -> bool + 'static,
    refresh: impl Fn() + 'static,
) {
    #[cfg(feature = "hydrate")]
    {
        let tick = move || {
            if live.get_untracked() && first_page() && reader_is_watching() {
                refresh();
            }
        };
        if let Ok(handle) =
            set_interval_with_handle(tick, std::time::Duration::from_secs(LIVE_SECONDS))
        {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (live, first_page, refresh);
}

/// The tab is visible, the page is at its top and no row is selected.
#[cfg(feature = "hydrate")]
fn reader_is_watching() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let Some(document) = window.document() else {
        return false;
    };
    let at_top = window.scroll_y().map(|y| y < 1.0).unwrap_or(true);
    let selected = document
        .query_selector("tbody tr[data-selected]")
        .ok()
        .flatten()
        .is_some();
    !document.hidden() && at_top && !selected
}

//! Live tail on Usage Logs (an island): while switched on, the first page's results refresh
//! every few seconds with one request, and rows that were not there before are marked. It
//! waits while the tab is hidden, while the page is scrolled, and while a row is selected.
use leptos::prelude::*;

pub use crate::shared::live_tail::LIVE_SECONDS;

/// The switch, in the page language; `first_page` is false on an older or sorted page, where
/// there is nothing new to show.
#[island]
pub fn LiveSwitch(label: String, hint: String, first_page: bool) -> impl IntoView {
    let live = RwSignal::new(false);
    let switch = NodeRef::<leptos::html::Input>::new();
    #[cfg(feature = "hydrate")]
    follow(live, first_page, switch);
    #[cfg(not(feature = "hydrate"))]
    let _ = first_page;
    view! {
        <label class="inline-flex items-center gap-1 text-sm" title=hint>
            <input type="checkbox" data-testid="live" node_ref=switch prop:checked=move || live.get()
                on:change=move |ev| live.set(event_target_checked(&ev))/>
            {label}
            {move || live.get().then(|| view! {
                <span class="inline-block w-2 h-2 rounded-full bg-emerald-500 animate-pulse" aria-hidden="true"></span>
            })}
        </label>
    }
}

/// Refreshes the results every `LIVE_SECONDS` while `live` is on and the reader is watching;
/// stops for good once in-place navigation has taken the switch off the page.
#[cfg(feature = "hydrate")]
fn follow(live: RwSignal<bool>, first_page: bool, switch: NodeRef<leptos::html::Input>) {
    use crate::ui::browser::results_refresh::{reader_is_watching, refresh_results};
    use std::{cell::Cell, rc::Rc};
    let handle: Rc<Cell<Option<IntervalHandle>>> = Rc::default();
    let tick = {
        let handle = Rc::clone(&handle);
        move || {
            if !switch.get_untracked().is_some_and(|s| s.is_connected()) {
                if let Some(h) = handle.take() {
                    h.clear();
                }
                return;
            }
            if live.get_untracked() && first_page && reader_is_watching() {
                leptos::task::spawn_local(refresh_results());
            }
        }
    };
    if let Ok(h) = set_interval_with_handle(tick, std::time::Duration::from_secs(LIVE_SECONDS)) {
        handle.set(Some(h));
    }
}

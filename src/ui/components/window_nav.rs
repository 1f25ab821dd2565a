//! What Group Health and Channel health share at the top: the window switch and the window
//! read from the URL.
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::domain::health::{window_label, WINDOWS};
use crate::i18n::{t_string, use_i18n};
use crate::ui::lang::use_lang;

/// The URL's window (24 hours when none) and time zone.
pub fn use_window() -> (Memo<String>, Memo<Option<String>>) {
    let query = use_query_map();
    (
        Memo::new(move |_| query.get().get("window").unwrap_or_else(|| "24h".into())),
        Memo::new(move |_| query.get().get("tz")),
    )
}

/// One link per window, to `base?window=…`; the current one marked.
#[component]
pub fn WindowNav(base: &'static str, window: Memo<String>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    view! {
        <nav aria-label=move || t_string!(i18n, health.window) class="flex gap-1">
            {WINDOWS.iter().map(|(w, _, _)| view! {
                <a href=format!("{base}?window={w}")
                    class="px-3 py-1 rounded text-sm border border-slate-300 dark:border-slate-700"
                    aria-current=move || (window.get() == *w).then_some("page")
                    class:font-semibold=move || window.get() == *w data-window=*w>{window_label(w, lang)}</a>
            }).collect_view()}
        </nav>
    }
}

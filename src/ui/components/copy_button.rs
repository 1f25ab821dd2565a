//! A copy button: the text rides on the button, and `ui::browser::clipboard` copies it when
//! clicked and says so (in the page language, from the button's own attributes).
use leptos::prelude::*;

use crate::i18n::{t_string, use_i18n};

#[component]
pub fn CopyButton(
    text: String,
    #[prop(into)] label: String,
    #[prop(optional, into)] test_id: String,
    /// Only the icon is shown (the label stays for screen readers): table cells.
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let title = compact.then(|| label.clone());
    view! {
        <button type="button" data-testid=test_id title=title data-copy=text
            data-copied=t_string!(i18n, common.copied) data-announce=t_string!(i18n, common.copied_announce)
            class="inline-flex items-center gap-1 rounded border border-slate-300 dark:border-slate-600 px-2 py-1 text-xs hover:bg-slate-100 dark:hover:bg-slate-800 focus:outline-none focus:ring-2 focus:ring-sky-500">
            // Drawn, not a font glyph: "⧉" is an empty box where the font lacks it.
            <svg viewBox="0 0 16 16" class="w-3.5 h-3.5 shrink-0" aria-hidden="true" data-testid="copy-icon"
                fill="none" stroke="currentColor" stroke-width="1.5">
                <rect x="5.5" y="5.5" width="8" height="8" rx="1.5"/>
                <path d="M10.5 3.5v-.5a1.5 1.5 0 0 0-1.5-1.5H4a1.5 1.5 0 0 0-1.5 1.5v5A1.5 1.5 0 0 0 4 9.5h.5"/>
            </svg>
            <span class:sr-only=compact data-copy-label="">{label}</span>
        </button>
        <span class="sr-only" role="status" aria-live="polite"></span>
    }
}

use leptos::prelude::*;

use crate::i18n::{t_string, use_i18n};

/// Copies `text` to the clipboard: the Clipboard API in a secure context, else a hidden
/// textarea and `execCommand("copy")`, which also works over plain http. Says so when done.
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
    let (copied, set_copied) = signal(false);
    let title = compact.then(|| label.clone());
    let on_click = move |_| {
        if copy_to_clipboard(&text) {
            set_copied.set(true);
        }
    };
    view! {
        <button type="button" on:click=on_click data-testid=test_id title=title
            class="inline-flex items-center gap-1 rounded border border-slate-300 dark:border-slate-600 px-2 py-1 text-xs hover:bg-slate-100 dark:hover:bg-slate-800 focus:outline-none focus:ring-2 focus:ring-sky-500">
            // Drawn, not a font glyph: "⧉" is an empty box where the font lacks it.
            <svg viewBox="0 0 16 16" class="w-3.5 h-3.5 shrink-0" aria-hidden="true" data-testid="copy-icon"
                fill="none" stroke="currentColor" stroke-width="1.5">
                <rect x="5.5" y="5.5" width="8" height="8" rx="1.5"/>
                <path d="M10.5 3.5v-.5a1.5 1.5 0 0 0-1.5-1.5H4a1.5 1.5 0 0 0-1.5 1.5v5A1.5 1.5 0 0 0 4 9.5h.5"/>
            </svg>
            <span class:sr-only=compact>
                {move || if copied.get() { t_string!(i18n, common.copied).to_string() } else { label.clone() }}
            </span>
        </button>
        <span class="sr-only" role="status" aria-live="polite">
            {move || if copied.get() { t_string!(i18n, common.copied_announce) } else { "" }}
        </span>
    }
}

#[cfg(feature = "hydrate")]
fn copy_to_clipboard(text: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return false;
    };
    if window.is_secure_context() {
        let _promise = window.navigator().clipboard().write_text(text);
        return true;
    }
    let Some(document) = window.document() else {
        return false;
    };
    let Ok(area) = document.create_element("textarea") else {
        return false;
    };
    let Ok(area) = area.dyn_into::<web_sys::HtmlTextAreaElement>() else {
        return false;
    };
    area.set_value(text);
    let _ = area.set_attribute("style", "position:fixed;opacity:0");
    let Some(body) = document.body() else {
        return false;
    };
    let _ = body.append_child(&area);
    area.select();
    let ok = document
        .dyn_ref::<web_sys::HtmlDocument>()
        .and_then(|d| d.exec_command("copy").ok())
        .unwrap_or(false);
    area.remove();
    ok
}

#[cfg(not(feature = "hydrate"))]
fn copy_to_clipboard(_text: &str) -> bool {
    false
}

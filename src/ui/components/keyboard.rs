//! The keyboard shortcuts' help for screen readers; `ui::browser::keyboard` handles the keys.
use leptos::prelude::*;

use crate::i18n::{t, use_i18n};

#[component]
pub fn KeyboardShortcuts() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="sr-only">{t!(i18n, common.keyboard_help)}</p>
    }
}

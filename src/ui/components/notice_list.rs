//! The lines a page says above its content: what it replaced with a default, or a filter
//! that has no field in the form.
use leptos::prelude::*;

use crate::domain::notice::Notice;
use crate::ui::lang::use_lang;

/// Lines said above a page's content, in the page language.
#[component]
pub fn NoticeList(items: Vec<AnyView>) -> impl IntoView {
    (!items.is_empty()).then(|| view! {
        <ul class="mb-3 rounded border border-amber-300 dark:border-amber-700 bg-amber-50 dark:bg-amber-950 px-3 py-2 text-sm" role="alert" data-testid="notices">
            {items.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
        </ul>
    })
}

/// `notices` in the page language.
pub fn described(notices: &[Notice]) -> Vec<AnyView> {
    let lang = use_lang();
    notices
        .iter()
        .map(|n| n.describe(lang).into_any())
        .collect()
}

//! What a page says when a server function failed: the server's message in the page language,
//! a sign-in link when the session ended, and the page's own words when the server was not
//! reached at all.
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::domain::access::sign_in_href;
use crate::i18n::{t, use_i18n};
use crate::shared::failure::{Failure, FailureKind};

#[component]
pub fn FailureNote(failure: Failure) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let next = move || {
        let path = location.pathname.get();
        let query = location.search.get();
        let here = if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        };
        sign_in_href(&here)
    };
    let signed_out = failure.kind == FailureKind::SignedOut;
    let message = failure.message;
    view! {
        {if message.is_empty() {
            view! { <span>{t!(i18n, common.unreachable)}</span> }.into_any()
        } else {
            view! { <span>{message}</span> }.into_any()
        }}
        {signed_out.then(|| view! {
            " " <a href=next class="underline" data-testid="sign-in-again">{t!(i18n, account.sign_in)}</a>
        })}
    }
}

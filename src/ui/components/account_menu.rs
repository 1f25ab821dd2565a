//! The header's account corner: who is signed in, their role, and the sign-out forms.
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};

use crate::domain::access::Account;

#[component]
pub fn AccountMenu(account: Option<Account>) -> impl IntoView {
    let i18n = use_i18n();
    match account {
        None => view! { <a href="/login" class="ml-auto hover:underline">{t!(i18n, account.sign_in)}</a> }.into_any(),
        Some(a) => view! {
            <div class="ml-auto flex items-center gap-3">
                <span data-testid="whoami">
                    <a href="/account" class="font-medium hover:underline">{a.username.clone()}</a>
                    <span class="ml-1 px-1.5 py-0.5 rounded text-xs border border-slate-300 dark:border-slate-700">{a.role.as_str()}</span>
                </span>
                <form method="post" action="/logout">
                    <button type="submit" class="hover:underline">{t!(i18n, account.sign_out)}</button>
                </form>
                <form method="post" action="/logout">
                    <input type="hidden" name="everywhere" value="1"/>
                    <button type="submit" class="hover:underline text-slate-500 dark:text-slate-400"
                        title=move || t_string!(i18n, account.sign_out_everywhere_title)>{t!(i18n, account.sign_out_everywhere)}</button>
                </form>
            </div>
        }
        .into_any(),
    }
}

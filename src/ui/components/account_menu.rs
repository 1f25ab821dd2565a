//! The header's account corner: who is signed in and their role; under it, the account's
//! settings and the sign-out forms.
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};

use crate::domain::access::Account;

#[component]
pub fn AccountMenu(account: Option<Account>) -> impl IntoView {
    let i18n = use_i18n();
    match account {
        None => view! { <a href="/login" class="hover:underline">{t!(i18n, account.sign_in)}</a> }.into_any(),
        // A disclosure (no JavaScript needed): the header keeps to one line at 1280 px.
        Some(a) => view! {
            <details class="relative">
                <summary class="cursor-pointer list-none flex items-center gap-1 hover:underline">
                    <span data-testid="whoami">
                        <span class="font-medium">{a.username.clone()}</span>
                        <span class="ml-1 px-1.5 py-0.5 rounded text-xs border border-slate-300 dark:border-slate-700">{a.role.as_str()}</span>
                    </span>
                    <span aria-hidden="true">"▾"</span>
                </summary>
                <div class="absolute right-0 z-20 mt-1 min-w-[13rem] flex flex-col items-start gap-2 rounded-lg border border-slate-200 dark:border-slate-700 bg-white dark:bg-slate-900 p-3 shadow-lg">
                    <a href="/account" class="hover:underline">{t!(i18n, account.settings)}</a>
                    <form method="post" action="/logout">
                        <button type="submit" class="hover:underline">{t!(i18n, account.sign_out)}</button>
                    </form>
                    <form method="post" action="/logout">
                        <input type="hidden" name="everywhere" value="1"/>
                        <button type="submit" class="hover:underline text-slate-600 dark:text-slate-300"
                            title=move || t_string!(i18n, account.sign_out_everywhere_title)>{t!(i18n, account.sign_out_everywhere)}</button>
                    </form>
                </div>
            </details>
        }
        .into_any(),
    }
}

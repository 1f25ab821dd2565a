//! The header's account corner: who is signed in, their role, and the sign-out forms.
use leptos::prelude::*;

use crate::domain::access::Account;

#[component]
pub fn AccountMenu(account: Option<Account>) -> impl IntoView {
    match account {
        None => view! { <a href="/login" class="ml-auto hover:underline">"Sign in"</a> }.into_any(),
        Some(a) => view! {
            <div class="ml-auto flex items-center gap-3">
                <span data-testid="whoami">
                    <span class="font-medium">{a.username.clone()}</span>
                    <span class="ml-1 px-1.5 py-0.5 rounded text-xs border border-slate-300 dark:border-slate-700">{a.role.as_str()}</span>
                </span>
                <form method="post" action="/logout">
                    <button type="submit" class="hover:underline">"Sign out"</button>
                </form>
                <form method="post" action="/logout">
                    <input type="hidden" name="everywhere" value="1"/>
                    <button type="submit" class="hover:underline text-slate-500 dark:text-slate-400"
                        title="End every session of this account, on every device">"Sign out everywhere"</button>
                </form>
            </div>
        }
        .into_any(),
    }
}

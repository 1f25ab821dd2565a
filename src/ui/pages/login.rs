//! Sign-in: a plain form posted to `/login` (works without JavaScript).
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    let next = move || q.with(|q| q.get("next")).unwrap_or_else(|| "/logs".into());
    let error = move || {
        q.with(|q| {
            let code = q.get("error")?;
            Some(match code.as_str() {
                "invalid" => t!(i18n, login.invalid).into_any(),
                "disabled" => t!(i18n, login.disabled).into_any(),
                "rate_limited" => {
                    let seconds = q.get("retry_after").unwrap_or_else(|| "…".into());
                    t!(i18n, login.rate_limited, seconds).into_any()
                }
                "unavailable" => t!(i18n, login.unavailable).into_any(),
                _ => t!(i18n, login.other, code).into_any(),
            })
        })
    };
    let signed_out = move || q.with(|q| q.get("signed_out").is_some());
    view! {
        <Title text=t_string!(i18n, login.title)/>
        <section class="max-w-sm mx-auto mt-12 p-6 rounded border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900">
            <h1 class="text-xl font-semibold mb-4">{t!(i18n, login.heading)}</h1>
            <Show when=signed_out>
                <p role="status" class="mb-3 text-sm text-slate-600 dark:text-slate-300">{t!(i18n, login.signed_out)}</p>
            </Show>
            {move || error().map(|e| view! {
                <p role="alert" data-testid="login-error" class="mb-3 text-sm text-red-700 dark:text-red-300">{e}</p>
            })}
            <form method="post" action="/login" class="space-y-3">
                <input type="hidden" name="next" value=next/>
                <label class="block text-sm">
                    <span class="block mb-1">{t!(i18n, login.username)}</span>
                    <input name="username" autocomplete="username" required autofocus
                        class="w-full px-2 py-1.5 rounded border border-slate-300 dark:border-slate-700 bg-white dark:bg-slate-950"/>
                </label>
                <label class="block text-sm">
                    <span class="block mb-1">{t!(i18n, login.password)}</span>
                    <input name="password" type="password" autocomplete="current-password" required
                        class="w-full px-2 py-1.5 rounded border border-slate-300 dark:border-slate-700 bg-white dark:bg-slate-950"/>
                </label>
                <button type="submit" class="w-full py-1.5 rounded bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900 font-medium">
                    {t!(i18n, login.submit)}
                </button>
            </form>
        </section>
    }
}

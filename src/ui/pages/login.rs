//! Sign-in: a plain form posted to `/login` (works without JavaScript).
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn error_text(code: &str, retry_after: Option<String>) -> String {
    match code {
        "invalid" => "Wrong username or password.".into(),
        "disabled" => "This account is disabled. Ask an admin to enable it.".into(),
        "rate_limited" => format!(
            "Too many sign-in attempts. Try again in {} seconds.",
            retry_after.unwrap_or_else(|| "a few".into())
        ),
        "unavailable" => {
            "Sign-in is unavailable right now (database error). Try again shortly.".into()
        }
        other => format!("Could not sign in ({other})."),
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let q = use_query_map();
    let next = move || q.with(|q| q.get("next")).unwrap_or_else(|| "/logs".into());
    let error = move || q.with(|q| q.get("error").map(|e| error_text(&e, q.get("retry_after"))));
    let signed_out = move || q.with(|q| q.get("signed_out").is_some());
    view! {
        <Title text="Sign in"/>
        <section class="max-w-sm mx-auto mt-12 p-6 rounded border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900">
            <h1 class="text-xl font-semibold mb-4">"Sign in to errscope"</h1>
            <Show when=signed_out>
                <p role="status" class="mb-3 text-sm text-slate-600 dark:text-slate-300">"You are signed out."</p>
            </Show>
            {move || error().map(|e| view! {
                <p role="alert" data-testid="login-error" class="mb-3 text-sm text-red-700 dark:text-red-300">{e}</p>
            })}
            <form method="post" action="/login" class="space-y-3">
                <input type="hidden" name="next" value=next/>
                <label class="block text-sm">
                    <span class="block mb-1">"Username"</span>
                    <input name="username" autocomplete="username" required autofocus
                        class="w-full px-2 py-1.5 rounded border border-slate-300 dark:border-slate-700 bg-white dark:bg-slate-950"/>
                </label>
                <label class="block text-sm">
                    <span class="block mb-1">"Password"</span>
                    <input name="password" type="password" autocomplete="current-password" required
                        class="w-full px-2 py-1.5 rounded border border-slate-300 dark:border-slate-700 bg-white dark:bg-slate-950"/>
                </label>
                <button type="submit" class="w-full py-1.5 rounded bg-slate-900 text-white dark:bg-slate-100 dark:text-slate-900 font-medium">
                    "Sign in"
                </button>
            </form>
        </section>
    }
}

//! What the admin pages' forms share: control styles and the line that reports an action's result.
use leptos::prelude::*;

use super::failure_note::FailureNote;
use crate::shared::failure::Failure;

pub const INPUT: &str = "px-2 py-1 rounded border border-slate-300 dark:border-slate-700 bg-white dark:bg-slate-950 text-sm";
pub const BUTTON: &str = "px-2 py-1 rounded border border-slate-400 dark:border-slate-600 text-sm hover:bg-slate-100 dark:hover:bg-slate-800";

/// Test ids of an outcome line: (when the action worked, when it failed).
pub type OutcomeIds = (&'static str, &'static str);

/// What an admin form's last submission answered: the action's own value (a failure arrives
/// in the address after a plain form post), else the answer the server kept for this page
/// after the post redirected here (`server::http::form_answer`).
pub fn last_answer<S>(action: ServerAction<S>) -> Option<Result<S::Output, Failure>>
where
    S: leptos::server_fn::ServerFn<Error = Failure> + Clone + Send + Sync + 'static,
    S::Output: serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
{
    action.value().get().or_else(|| kept_answer::<S>().map(Ok))
}

#[cfg(feature = "ssr")]
fn kept_answer<S>() -> Option<S::Output>
where
    S: leptos::server_fn::ServerFn,
    S::Output: serde::de::DeserializeOwned,
{
    let parts = use_context::<axum::http::request::Parts>()?;
    let kept = parts
        .extensions
        .get::<crate::server::http::form_answer::KeptAnswer>()?;
    (kept.path == S::PATH)
        .then(|| serde_json::from_str(&kept.body).ok())
        .flatten()
}

#[cfg(not(feature = "ssr"))]
fn kept_answer<S: leptos::server_fn::ServerFn>() -> Option<S::Output> {
    None
}

/// "Saved."-style confirmation, or the server's message as an alert.
pub fn outcome<T: 'static>(
    r: Option<Result<T, Failure>>,
    done: impl Fn(T) -> String,
    (done_testid, error_testid): OutcomeIds,
) -> impl IntoView {
    r.map(|r| match r {
        Ok(v) => view! {
            <p role="status" class="text-sm text-green-700 dark:text-green-300" data-testid=done_testid>{done(v)}</p>
        }.into_any(),
        Err(e) => view! {
            <p role="alert" class="text-sm text-red-700 dark:text-red-300" data-testid=error_testid><FailureNote failure=e/></p>
        }.into_any(),
    })
}

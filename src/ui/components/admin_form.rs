//! What the admin pages' forms share: control styles and the line that reports an action's result.
use leptos::prelude::*;

use super::failure_note::FailureNote;
use crate::shared::failure::Failure;

pub const INPUT: &str = "px-2 py-1 rounded border border-slate-300 dark:border-slate-700 bg-white dark:bg-slate-950 text-sm";
pub const BUTTON: &str = "px-2 py-1 rounded border border-slate-400 dark:border-slate-600 text-sm hover:bg-slate-100 dark:hover:bg-slate-800";

/// Test ids of an outcome line: (when the action worked, when it failed).
pub type OutcomeIds = (&'static str, &'static str);

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

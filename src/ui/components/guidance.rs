//! Seed 000's guidance where it helps: the troubleshooting order (empty results, the help
//! panel) and the quick checks with what each column tells.
use leptos::prelude::*;

use crate::i18n::{t, use_i18n};

#[component]
pub fn TroubleshootingOrder() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="list-decimal pl-5 space-y-1 text-slate-600 dark:text-slate-300">
            <li>{t!(i18n, guide.step_1)}</li>
            <li>{t!(i18n, guide.step_2)}</li>
            <li>{t!(i18n, guide.step_3)}</li>
            <li>{t!(i18n, guide.step_4)}</li>
            <li>{t!(i18n, guide.step_5)}</li>
        </ol>
    }
}

/// A closed-by-default panel above the results: how to find the one failed request.
#[component]
pub fn HelpPanel() -> impl IntoView {
    let i18n = use_i18n();
    // (column, what it tells when troubleshooting)
    let columns = [
        (
            t!(i18n, logs.time).into_any(),
            t!(i18n, guide.col_time).into_any(),
        ),
        (
            t!(i18n, logs.model).into_any(),
            t!(i18n, guide.col_model).into_any(),
        ),
        (
            t!(i18n, logs.token).into_any(),
            t!(i18n, guide.col_token).into_any(),
        ),
        (
            t!(i18n, logs.group).into_any(),
            t!(i18n, guide.col_group).into_any(),
        ),
        (
            t!(i18n, logs.request_id).into_any(),
            t!(i18n, guide.col_request_id).into_any(),
        ),
        (
            t!(i18n, logs.message).into_any(),
            t!(i18n, guide.col_message).into_any(),
        ),
        (
            t!(i18n, logs.status).into_any(),
            t!(i18n, guide.col_status).into_any(),
        ),
    ];
    view! {
        <details class="my-2 rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 text-sm" data-testid="help-panel">
            <summary class="cursor-pointer px-3 py-2 font-medium">{t!(i18n, guide.summary)}</summary>
            <div class="grid md:grid-cols-2 gap-4 px-3 pb-3">
                <section aria-labelledby="help-order-h">
                    <h2 id="help-order-h" class="font-semibold mb-1">{t!(i18n, guide.order)}</h2>
                    <TroubleshootingOrder/>
                </section>
                <section aria-labelledby="help-columns-h">
                    <h2 id="help-columns-h" class="font-semibold mb-1">{t!(i18n, guide.columns)}</h2>
                    <dl class="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-slate-600 dark:text-slate-300">
                        {columns.into_iter().map(|(column, value)| view! {
                            <dt class="font-medium text-slate-800 dark:text-slate-100">{column}</dt>
                            <dd>{value}</dd>
                        }).collect_view()}
                    </dl>
                    <p class="mt-2 text-xs text-slate-500 dark:text-slate-400">{t!(i18n, guide.attribution_note)}</p>
                </section>
            </div>
        </details>
    }
}

//! Seed 000's guidance where it helps: the troubleshooting order (empty results, the help
//! panel) and the quick checks with what each column tells.
use leptos::prelude::*;

const TROUBLESHOOTING_ORDER: [&str; 5] = [
    "Copy the request_id from the API response or log entry and search for that exact request first.",
    "If there is no request_id, narrow the scope by time range, model, and token.",
    "Group errors by status code, such as 401, 413, 429, 502, or 503.",
    "Search error message keywords, such as Invalid API key, daily limit exceeded, or Upstream request failed.",
    "If the same error is concentrated in one group, open Group Health to confirm the impact scope.",
];

/// (column, what it tells when troubleshooting)
const COLUMN_VALUE: [(&str, &str); 7] = [
    ("Time", "Check whether the issue is ongoing"),
    ("Model", "Check whether only one model is affected"),
    ("Token", "Check whether only one token is affected"),
    (
        "Group",
        "Check whether failures are concentrated in one group",
    ),
    ("Request ID", "Provide this first when contacting support"),
    ("Error message", "Search by keyword to find the exact error"),
    ("Status code", "Classify the error quickly"),
];

#[component]
pub fn TroubleshootingOrder() -> impl IntoView {
    view! {
        <ol class="list-decimal pl-5 space-y-1 text-slate-600 dark:text-slate-300">
            {TROUBLESHOOTING_ORDER.iter().map(|step| view! { <li>{*step}</li> }).collect_view()}
        </ol>
    }
}

/// A closed-by-default panel above the results: how to find the one failed request.
#[component]
pub fn HelpPanel() -> impl IntoView {
    view! {
        <details class="my-2 rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 text-sm" data-testid="help-panel">
            <summary class="cursor-pointer px-3 py-2 font-medium">"How to find a failed request"</summary>
            <div class="grid md:grid-cols-2 gap-4 px-3 pb-3">
                <section aria-label="Troubleshooting order">
                    <h2 class="font-semibold mb-1">"Troubleshooting order"</h2>
                    <TroubleshootingOrder/>
                </section>
                <section aria-label="What each column tells">
                    <h2 class="font-semibold mb-1">"What each column tells"</h2>
                    <dl class="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-slate-600 dark:text-slate-300">
                        {COLUMN_VALUE.iter().map(|(column, value)| view! {
                            <dt class="font-medium text-slate-800 dark:text-slate-100">{*column}</dt>
                            <dd>{*value}</dd>
                        }).collect_view()}
                    </dl>
                    <p class="mt-2 text-xs text-slate-500 dark:text-slate-400">
                        "Attribution never rests on a status code alone: a single 502 or 503 may be a transient fluctuation; many failures in one group and time window point at upstream or platform resources."
                    </p>
                </section>
            </div>
        </details>
    }
}

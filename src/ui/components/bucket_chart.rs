//! What a Group Health card and a channel card share: the chart of requests and errors per
//! time bucket, and the top status codes and failures, every bar and number a link to its rows.
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use crate::shared::health::TopMessage;

/// One link per bucket, each an HTML element holding its own small drawing: links inside an
/// <svg> are created as HTML elements when the page renders in the browser.
#[component]
pub fn BucketChart(
    /// (bucket label, requests, errors, logs link)
    series: Vec<(String, u64, u64, String)>,
    label: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let (errors_word, requests_word) = (
        t_string!(i18n, health.errors_word),
        t_string!(i18n, health.requests_word),
    );
    let max_req = series.iter().map(|s| s.1).max().unwrap_or(1).max(1) as f64;
    view! {
        <div class="flex items-end h-12 my-2" role="group" data-testid="chart" aria-label=label>
            {series.into_iter().map(|(label, req, err, href)| {
                let h_req = (req as f64 / max_req) * 40.0;
                let h_err = (err as f64 / max_req) * 40.0;
                let text = format!("{label}: {err} {errors_word} / {req} {requests_word}");
                view! {
                    <a href=href class="block flex-1 min-w-0 h-full hover:opacity-70" title=text.clone() aria-label=text
                        data-testid="bucket" data-count=err>
                        <svg viewBox="0 0 10 40" preserveAspectRatio="none" class="block w-full h-full" aria-hidden="true">
                            <rect x=1.0 y=40.0 - h_req width=8.0 height=h_req class="fill-slate-200 dark:fill-slate-700"/>
                            <rect x=1.0 y=40.0 - h_err width=8.0 height=h_err class="fill-rose-500"/>
                        </svg>
                    </a>
                }
            }).collect_view()}
        </div>
    }
}

/// The top status codes and failures, each linked to exactly its rows.
#[component]
pub fn TopFailures(
    /// (label, count, logs link)
    top_status: Vec<(String, u64, String)>,
    top_messages: Vec<TopMessage>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p>{t!(i18n, health.top_status)}{top_status.into_iter().map(|(s, n, href)| view! {
            <a href=href class="underline mr-2 font-mono" data-testid="top-status" data-count=n>{format!("{s} ×{n}")}</a>
        }).collect_view()}</p>
        <ul>{top_messages.into_iter().map(|m| {
            let status = m.status.map(|s| format!("{s} ")).unwrap_or_default();
            let title = format!("{status}{} · {}", m.label, m.sample);
            view! {
                <li class="truncate">
                    <a href=m.href class="underline" title=title data-testid="top-message" data-count=m.count>
                        {format!("×{} {status}", m.count)}{m.label}
                    </a>
                </li>
            }
        }).collect_view()}</ul>
    }
}

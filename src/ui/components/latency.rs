//! Latency figures: one line for a group or channel card, and the per-model table of Group
//! Health. The p95 opens the rows at or over it; the count opens exactly the rows measured.
use leptos::prelude::*;

use crate::domain::latency::{change_text, duration_text};
use crate::i18n::{t, t_string, use_i18n};
use crate::shared::health::LatencyCell;

/// The p95's change since the window before, when there was one.
fn change(cell: &LatencyCell) -> Option<String> {
    cell.latency.p95_change().map(change_text)
}

/// "The slowest rows: 8.0 s or more", for the p95's link.
fn slow_title(cell: &LatencyCell) -> String {
    let i18n = use_i18n();
    let from = duration_text(Some(cell.latency.now.p95_floor));
    format!("{} {from}", t_string!(i18n, latency.slow_title))
}

/// "p50 1.2 s · p95 8.9 s (+35%) · 1,204 timed", for a card.
#[component]
pub fn LatencyLine(cell: LatencyCell) -> impl IntoView {
    let i18n = use_i18n();
    let now = cell.latency.now;
    let (p50, count) = (duration_text(Some(now.p50)), now.rows);
    view! {
        <p class="text-xs text-slate-600 dark:text-slate-300" data-testid="latency" data-p50=now.p50 data-p95=now.p95>
            {t!(i18n, latency.title)}": p50 "{p50}" · "
            <a href=cell.slow_href.clone() class="underline" title=slow_title(&cell) data-testid="latency-p95" data-from=now.p95_floor>
                "p95 "{duration_text(Some(now.p95))}
            </a>
            {change(&cell).map(|c| view! {
                <span title=t_string!(i18n, latency.change_title) data-testid="latency-change">" ("{c}")"</span>
            })}
            " · "
            <a href=cell.rows_href.clone() class="underline" title=t_string!(i18n, latency.measured_title) data-testid="latency-rows" data-count=count>
                {t!(i18n, latency.measured, count)}
            </a>
        </p>
    }
}

/// The latency of each model in the window, slowest p95 first.
#[component]
pub fn LatencyTable(cells: Vec<LatencyCell>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="latency-h" class="mt-4" data-testid="models-latency">
            <h2 id="latency-h" class="font-semibold mb-1">{t!(i18n, latency.by_model)}</h2>
            {if cells.is_empty() {
                view! { <p class="text-sm text-slate-600 dark:text-slate-300">{t!(i18n, latency.none)}</p> }.into_any()
            } else {
                view! {
                    <div class="overflow-x-auto">
                        <table class="text-sm">
                            <thead>
                                <tr class="text-left">
                                    <th scope="col" class="pr-4 font-medium">{t!(i18n, latency.model)}</th>
                                    <th scope="col" class="pr-4 font-medium text-right">"p50"</th>
                                    <th scope="col" class="pr-4 font-medium text-right">"p95"</th>
                                    <th scope="col" class="pr-4 font-medium text-right" title=t_string!(i18n, latency.change_title)>"±"</th>
                                    <th scope="col" class="font-medium text-right">{t!(i18n, latency.rows)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {cells.into_iter().map(|c| {
                                    let now = c.latency.now;
                                    let count = now.rows;
                                    view! {
                                        <tr data-testid="model-latency" data-model=c.name.clone() data-p95=now.p95>
                                            <td class="pr-4 max-w-[16rem] truncate" title=c.name.clone()>{c.name.clone()}</td>
                                            <td class="pr-4 text-right tabular-nums">{duration_text(Some(now.p50))}</td>
                                            <td class="pr-4 text-right tabular-nums">
                                                <a href=c.slow_href.clone() class="underline" title=slow_title(&c)>{duration_text(Some(now.p95))}</a>
                                            </td>
                                            <td class="pr-4 text-right tabular-nums">{change(&c).unwrap_or_default()}</td>
                                            <td class="text-right tabular-nums">
                                                <a href=c.rows_href.clone() class="underline" title=t_string!(i18n, latency.measured_title) data-testid="latency-rows" data-count=count>
                                                    {t!(i18n, latency.measured, count)}
                                                </a>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

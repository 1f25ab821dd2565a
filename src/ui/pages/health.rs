//! Group Health: is the failure concentrated in one group and time window?
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::domain::health::{window_label, GroupStatus, WINDOWS};
use crate::ui::api::{load_group_health, GroupHealth};
use crate::ui::components::badges::AttributionBadge;
use crate::ui::components::skeleton::Skeleton;
use crate::ui::lang::use_lang;

#[component]
pub fn HealthPage() -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let query = use_query_map();
    let window = Memo::new(move |_| query.get().get("window").unwrap_or_else(|| "24h".into()));
    let tz = Memo::new(move |_| query.get().get("tz"));
    let page = Resource::new(
        move || (window.get(), tz.get()),
        |(w, tz)| load_group_health(w, tz),
    );
    view! {
        <Title text=t_string!(i18n, health.title)/>
        <div class="flex items-baseline justify-between gap-4 mb-3">
            <h1 class="text-xl font-semibold">{t!(i18n, health.title)}</h1>
            <nav aria-label=move || t_string!(i18n, health.window) class="flex gap-1">
                {WINDOWS.iter().map(|(w, _, _)| view! {
                    <a href=format!("/health?window={w}")
                        class="px-3 py-1 rounded text-sm border border-slate-300 dark:border-slate-700"
                        aria-current=move || (window.get() == *w).then_some("page")
                        class:font-semibold=move || window.get() == *w data-window=*w>{window_label(w, lang)}</a>
                }).collect_view()}
            </nav>
        </div>
        <Transition fallback=move || view! { <Skeleton label=t_string!(i18n, health.loading).to_string() rows=6/> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <p role="alert">{t!(i18n, health.load_failed)} {e.to_string()}</p> }.into_any(),
                    Ok(p) => view! {
                        {(!p.notices.is_empty()).then(|| view! {
                            <ul class="mb-3 rounded border border-amber-300 dark:border-amber-700 bg-amber-50 dark:bg-amber-950 px-3 py-2 text-sm" role="alert" data-testid="notices">
                                {p.notices.iter().map(|n| view! { <li>{n.describe(lang)}</li> }).collect_view()}
                            </ul>
                        })}
                        <Show when=move || p.restricted>
                            <p class="text-sm mb-3" data-testid="restricted-note">{t!(i18n, health.restricted)}</p>
                        </Show>
                        <section aria-labelledby="signals-h" class="mb-4" class:hidden=p.restricted>
                            <h2 id="signals-h" class="font-semibold mb-1">{let window = p.window_label.clone(); t!(i18n, health.signals, window)}</h2>
                            {if p.signals.is_empty() {
                                view! { <p class="text-sm text-slate-600 dark:text-slate-300" data-testid="no-signals">{t!(i18n, health.no_signals)}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="space-y-1" data-testid="signals">
                                        {p.signals.into_iter().map(|s| view! {
                                            <li class="flex items-start gap-2 text-sm">
                                                <AttributionBadge attribution=s.attribution/>
                                                <a href=s.href class="underline" data-testid="signal">{s.sentence}</a>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                        <p class="text-xs text-slate-500 dark:text-slate-400 mb-2">
                            {let (minutes, zone) = (p.bucket_minutes, p.zone.clone()); t!(i18n, health.legend, minutes, zone)}
                        </p>
                        <div class="grid gap-3 md:grid-cols-2 xl:grid-cols-3">
                            {p.groups.into_iter().map(|g| view! { <GroupCard g/> }).collect_view()}
                        </div>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn GroupCard(g: GroupHealth) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let badge = match g.status {
        GroupStatus::Healthy => {
            "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100"
        }
        GroupStatus::Degraded => {
            "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100"
        }
        GroupStatus::Failing => "bg-rose-100 text-rose-900 dark:bg-rose-900 dark:text-rose-100",
    };
    let change = g.prev_rate.map(|p| {
        let d = (g.rate - p) * 100.0;
        let delta = format!("{}{d:.1}", if d >= 0.0 { "+" } else { "" });
        t!(i18n, health.change, delta)
    });
    let word = move |s: GroupStatus| match s {
        GroupStatus::Healthy => t_string!(i18n, health.healthy),
        GroupStatus::Degraded => t_string!(i18n, health.degraded),
        GroupStatus::Failing => t_string!(i18n, health.failing),
    };
    let status = word(g.status);
    let group_wide = g.group_wide.map(word);
    let (errors_word, requests_word) = (
        t_string!(i18n, health.errors_word),
        t_string!(i18n, health.requests_word),
    );
    let max_req = g.series.iter().map(|s| s.1).max().unwrap_or(1).max(1) as f64;
    let (errors, requests) = (g.errors, g.requests);
    view! {
        <article class="min-w-0 rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-3" data-group=g.group.clone()>
            <header class="flex items-center justify-between gap-2">
                <h3 class="font-semibold min-w-0 truncate"><a href=g.logs_href.clone() class="hover:underline">{g.group.clone()}</a></h3>
                <span class=format!("shrink-0 rounded px-2 py-0.5 text-xs font-medium {badge}")>{status}</span>
            </header>
            <p class="text-sm mt-1">
                <a href=g.logs_href.clone() class="underline" data-testid="group-errors" data-count=errors>{let count = errors; t!(i18n, health.errors, count)}</a>" / "
                <a href=g.requests_href.clone() class="underline" data-testid="group-requests" data-count=requests>{let count = requests; t!(i18n, health.requests, count)}</a>" · "
                <strong>{format!("{:.1}%", g.rate * 100.0)}</strong>
                {change.map(|c| view! { <span class="text-xs text-slate-500 dark:text-slate-400">" ("{c}")"</span> })}
            </p>
            {group_wide.map(|status| view! {
                <p class="text-xs" data-testid="group-wide">{t!(i18n, health.group_wide, status)}</p>
            })}
            <p class="text-xs text-slate-600 dark:text-slate-300">{let (tokens, users, models) = (g.tokens, g.users, g.models); t!(i18n, health.affected, tokens, users, models)}</p>
            // One link per bucket, each an HTML element holding its own small drawing: links
            // inside an <svg> are created as HTML elements when the page renders in the browser.
            <div class="flex items-end h-12 my-2" role="group" data-testid="chart"
                aria-label=format!("{} {}", t_string!(i18n, health.chart), g.group)>
                {g.series.into_iter().map(|(label, req, err, href)| {
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
            <div class="text-xs space-y-1">
                <p>{t!(i18n, health.top_status)}{g.top_status.into_iter().map(|(s, n, href)| view! {
                    <a href=href class="underline mr-2 font-mono" data-testid="top-status" data-count=n>{format!("{s} ×{n}")}</a>
                }).collect_view()}</p>
                <ul>{g.top_messages.into_iter().map(|m| {
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
                <p class="flex flex-wrap gap-x-3 gap-y-1" data-testid="attribution-mix">{g.attribution_mix.into_iter().map(|(a, n, href)| view! {
                    <a href=href class="underline" data-testid="mix" data-count=n>{a.glyph()}" "{a.name(lang)}" "{n}</a>
                }).collect_view()}</p>
            </div>
        </article>
    }
}

//! Group Health: is the failure concentrated in one group and time window?
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use crate::ui::components::failure_note::FailureNote;
use leptos_meta::Title;

use crate::domain::health::GroupStatus;
use crate::shared::health::GroupHealth;
use crate::ui::api::load_group_health;
use crate::ui::components::badges::AttributionBadge;
use crate::ui::components::bucket_chart::{BucketChart, TopFailures};
use crate::ui::components::latency::{LatencyLine, LatencyTable};
use crate::ui::components::notice_list::{described, NoticeList};
use crate::ui::components::window_nav::{use_window, WindowNav};
use crate::ui::lang::use_lang;

#[component]
pub fn HealthPage() -> impl IntoView {
    let i18n = use_i18n();
    let (window, tz) = use_window();
    let page = Resource::new(
        move || (window.get(), tz.get()),
        |(w, tz)| load_group_health(w, tz),
    );
    view! {
        <Title text=t_string!(i18n, health.title)/>
        <div class="flex items-baseline justify-between gap-4 mb-3">
            <h1 class="text-xl font-semibold">{t!(i18n, health.title)}</h1>
            <WindowNav base="/health" window/>
        </div>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <p role="alert">{t!(i18n, health.load_failed)} <FailureNote failure=e/></p> }.into_any(),
                    Ok(p) => view! {
                        <NoticeList items=described(&p.notices)/>
                        {p.channels.then(|| view! {
                            <p class="text-sm mb-3"><a href=format!("/health/channels?window={}", p.window) class="underline" data-testid="channels-link">{t!(i18n, health.channels_link)}</a></p>
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
                        <LatencyTable cells=p.models_latency/>
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
            {g.latency.map(|cell| view! { <LatencyLine cell/> })}
            <BucketChart series=g.series label=format!("{} {}", t_string!(i18n, health.chart), g.group)/>
            <div class="text-xs space-y-1">
                <TopFailures top_status=g.top_status top_messages=g.top_messages/>
                <p class="flex flex-wrap gap-x-3 gap-y-1" data-testid="attribution-mix">{g.attribution_mix.into_iter().map(|(a, n, href)| view! {
                    <a href=href class="underline" data-testid="mix" data-count=n>{a.glyph()}" "{a.name(lang)}" "{n}</a>
                }).collect_view()}</p>
            </div>
        </article>
    }
}

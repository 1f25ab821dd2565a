//! Group Health: is the failure concentrated in one group and time window?
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::domain::health::{GroupStatus, WINDOWS};
use crate::domain::lang::Lang;
use crate::ui::api::{load_group_health, GroupHealth};
use crate::ui::components::badges::AttributionBadge;
use crate::ui::components::skeleton::Skeleton;

#[component]
pub fn HealthPage() -> impl IntoView {
    let query = use_query_map();
    let window = Memo::new(move |_| query.get().get("window").unwrap_or_else(|| "24h".into()));
    let tz = Memo::new(move |_| query.get().get("tz"));
    let page = Resource::new(
        move || (window.get(), tz.get()),
        |(w, tz)| load_group_health(w, tz),
    );
    view! {
        <Title text="Group Health"/>
        <div class="flex items-baseline justify-between gap-4 mb-3">
            <h1 class="text-xl font-semibold">"Group Health"</h1>
            <nav aria-label="Window" class="flex gap-1">
                {WINDOWS.iter().map(|(w, _, _)| view! {
                    <a href=format!("/health?window={w}")
                        class="px-3 py-1 rounded text-sm border border-slate-300 dark:border-slate-700"
                        aria-current=move || (window.get() == *w).then_some("page")
                        class:font-semibold=move || window.get() == *w>{*w}</a>
                }).collect_view()}
            </nav>
        </div>
        <Transition fallback=|| view! { <Skeleton label="Loading Group Health…" rows=6/> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <p role="alert">"Could not load Group Health: " {e.to_string()}</p> }.into_any(),
                    Ok(p) => view! {
                        <Show when=move || p.restricted>
                            <p class="text-sm mb-3" data-testid="restricted-note">"The groups you use, with their request and error rates across all users of each group. Concentration details are shown to support staff."</p>
                        </Show>
                        <section aria-labelledby="signals-h" class="mb-4" class:hidden=p.restricted>
                            <h2 id="signals-h" class="font-semibold mb-1">"Where failures are concentrated (last " {p.window.clone()} ")"</h2>
                            {if p.signals.is_empty() {
                                view! { <p class="text-sm text-slate-600 dark:text-slate-300" data-testid="no-signals">"No failure is concentrated in one group or across groups at once."</p> }.into_any()
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
                            {format!("Buckets of {} min, times in {}. Status: failing at ≥ 20% errors, degraded at ≥ 5% (with at least 20 requests).", p.bucket_minutes, p.zone)}
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
        format!(
            "{}{:.1} pts vs previous window",
            if d >= 0.0 { "+" } else { "" },
            d
        )
    });
    let max_req = g.series.iter().map(|s| s.1).max().unwrap_or(1).max(1) as f64;
    let bar_w = 6.0;
    let width = g.series.len() as f64 * bar_w;
    view! {
        <article class="rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-3" data-group=g.group.clone()>
            <header class="flex items-center justify-between">
                <h3 class="font-semibold"><a href=g.logs_href.clone() class="hover:underline">{g.group.clone()}</a></h3>
                <span class=format!("rounded px-2 py-0.5 text-xs font-medium {badge}")>{g.status.label()}</span>
            </header>
            <p class="text-sm mt-1">
                <a href=g.logs_href.clone() class="underline" data-testid="group-errors">{g.errors}" errors"</a>" / "{g.requests}" requests · "
                <strong>{format!("{:.1}%", g.rate * 100.0)}</strong>
                {change.map(|c| view! { <span class="text-xs text-slate-500 dark:text-slate-400">" ("{c}")"</span> })}
            </p>
            <p class="text-xs text-slate-600 dark:text-slate-300">{format!("{} tokens, {} users, {} models affected", g.tokens, g.users, g.models)}</p>
            <svg viewBox=format!("0 0 {width} 40") class="w-full h-12 my-2" role="group"
                aria-label=format!("Requests and errors per bucket in group {}", g.group) preserveAspectRatio="none">
                {g.series.iter().enumerate().map(|(i, (label, req, err, href))| {
                    let x = i as f64 * bar_w;
                    let h_req = (*req as f64 / max_req) * 38.0;
                    let h_err = (*err as f64 / max_req) * 38.0;
                    view! {
                        <a href=href.clone() aria-label=format!("{label}: {err} errors of {req} requests")>
                            <title>{format!("{label}: {err} errors / {req} requests")}</title>
                            <rect x=x y=40.0 - h_req width=bar_w - 1.0 height=h_req class="fill-slate-200 dark:fill-slate-700"/>
                            <rect x=x y=40.0 - h_err width=bar_w - 1.0 height=h_err class="fill-rose-500"/>
                        </a>
                    }
                }).collect_view()}
            </svg>
            <div class="text-xs space-y-1">
                <p>"Top status: "{g.top_status.into_iter().map(|(s, n, href)| view! {
                    <a href=href class="underline mr-2 font-mono">{format!("{s} ×{n}")}</a>
                }).collect_view()}</p>
                <ul>{g.top_messages.into_iter().map(|(m, n, href)| {
                    let title = m.clone();
                    view! { <li class="truncate"><a href=href class="underline" title=title>{format!("×{n} ")}{m}</a></li> }
                }).collect_view()}</ul>
                <p class="flex flex-wrap gap-1">{g.attribution_mix.into_iter().map(|(a, n)| view! {
                    <span title=a.name(Lang::En)>{a.glyph()}" "{n}</span>
                }).collect_view()}</p>
            </div>
        </article>
    }
}

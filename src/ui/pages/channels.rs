//! Channel health (admins): which upstream channel fails, in which groups and for which
//! models, and the channels failing where the group's others succeed.
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use crate::ui::components::failure_note::FailureNote;
use leptos_meta::Title;

use crate::shared::health::ChannelHealth;
use crate::ui::api::load_channel_health;
use crate::ui::components::badges::AttributionBadge;
use crate::ui::components::bucket_chart::{BucketChart, TopFailures};
use crate::ui::components::latency::LatencyLine;
use crate::ui::components::notice_list::{described, NoticeList};
use crate::ui::components::window_nav::{use_window, WindowNav};

#[component]
pub fn ChannelsPage() -> impl IntoView {
    let i18n = use_i18n();
    let (window, tz) = use_window();
    let page = Resource::new(
        move || (window.get(), tz.get()),
        |(w, tz)| load_channel_health(w, tz),
    );
    view! {
        <Title text=t_string!(i18n, channels.title)/>
        <div class="flex flex-wrap items-baseline justify-between gap-4 mb-3">
            <h1 class="text-xl font-semibold">{t!(i18n, channels.title)}</h1>
            <WindowNav base="/health/channels" window/>
        </div>
        <p class="text-sm mb-3"><a href=move || format!("/health?window={}", window.get()) class="underline">{t!(i18n, channels.back)}</a></p>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <p role="alert">{t!(i18n, health.load_failed)} <FailureNote failure=e/></p> }.into_any(),
                    Ok(p) => view! {
                        <NoticeList items=described(&p.notices)/>
                        <section aria-labelledby="callouts-h" class="mb-4">
                            <h2 id="callouts-h" class="font-semibold mb-1">{let window = p.window_label.clone(); t!(i18n, channels.callouts, window)}</h2>
                            {if p.callouts.is_empty() {
                                view! { <p class="text-sm text-slate-600 dark:text-slate-300" data-testid="no-callouts">{t!(i18n, channels.no_callouts)}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="space-y-1" data-testid="callouts">
                                        {p.callouts.into_iter().map(|s| view! {
                                            <li class="flex items-start gap-2 text-sm">
                                                <AttributionBadge attribution=s.attribution/>
                                                <a href=s.href class="underline" data-testid="callout" data-count=s.count>{s.sentence}</a>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                        </section>
                        <p class="text-xs text-slate-500 dark:text-slate-400 mb-2">
                            {let (minutes, zone) = (p.bucket_minutes, p.zone.clone()); t!(i18n, health.legend, minutes, zone)}
                        </p>
                        {if p.channels.is_empty() {
                            view! { <p class="text-sm" data-testid="no-channels">{t!(i18n, channels.none)}</p> }.into_any()
                        } else {
                            view! {
                                <div class="grid gap-3 md:grid-cols-2 xl:grid-cols-3">
                                    {p.channels.into_iter().map(|c| view! { <ChannelCard c/> }).collect_view()}
                                </div>
                            }.into_any()
                        }}
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ChannelCard(c: ChannelHealth) -> impl IntoView {
    let i18n = use_i18n();
    let change = c.prev_rate.map(|p| {
        let d = (c.rate - p) * 100.0;
        let delta = format!("{}{d:.1}", if d >= 0.0 { "+" } else { "" });
        t!(i18n, health.change, delta)
    });
    let (errors, requests) = (c.errors, c.requests);
    let serves = format!("{} · {}", c.groups.join(", "), c.models.join(", "));
    view! {
        <article class="min-w-0 rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-3" data-channel=c.channel.clone()>
            <h3 class="font-semibold min-w-0 truncate font-mono"><a href=c.logs_href.clone() class="hover:underline" title=c.channel.clone()>{c.channel.clone()}</a></h3>
            <p class="text-sm mt-1">
                <a href=c.logs_href.clone() class="underline" data-testid="channel-errors" data-count=errors>{let count = errors; t!(i18n, health.errors, count)}</a>" / "
                <a href=c.requests_href.clone() class="underline" data-testid="channel-requests" data-count=requests>{let count = requests; t!(i18n, health.requests, count)}</a>" · "
                <strong>{format!("{:.1}%", c.rate * 100.0)}</strong>
                {change.map(|ch| view! { <span class="text-xs text-slate-500 dark:text-slate-400">" ("{ch}")"</span> })}
            </p>
            <p class="text-xs text-slate-600 dark:text-slate-300 truncate" title=serves.clone()>{t!(i18n, channels.serves)}" "{serves.clone()}</p>
            {c.latency.map(|cell| view! { <LatencyLine cell/> })}
            <BucketChart series=c.series label=format!("{} {}", t_string!(i18n, health.chart), c.channel)/>
            <div class="text-xs space-y-1">
                <TopFailures top_status=c.top_status top_messages=c.top_messages/>
            </div>
        </article>
    }
}

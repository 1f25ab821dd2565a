//! One request: every field, the parsed upstream error, the catalogue's meaning and first
//! action, the attribution with its evidence, the impact scope, and the copy-for-support text.
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use crate::ui::components::failure_note::FailureNote;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::domain::catalogue::MatchKind;
use crate::domain::digits::group_digits;
use crate::domain::filter::url_encode;
use crate::domain::lang::Lang;
use crate::domain::log::LogType;
use crate::domain::plain_words::{persisting as persisting_of, Dimension, Persisting, Span};
use crate::shared::logs::{AttemptView, RequestDetails};
use crate::ui::api::log_details;
use crate::ui::components::badges::{AttributionBadge, StatusBadge};
use crate::ui::components::copy_button::CopyButton;

#[component]
pub fn DetailsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let id = Memo::new(move |_| params.get().get("id").and_then(|s| s.parse::<i64>().ok()));
    let tz = Memo::new(move |_| query.get().get("tz"));
    let lang = Memo::new(move |_| query.get().get("lang"));
    let details = Resource::new(
        move || (id.get(), tz.get(), lang.get()),
        |(id, tz, lang)| async move {
            match id {
                Some(id) => log_details(id, tz, lang).await,
                None => {
                    // Not a row id at all: the same answer as a row that does not exist.
                    #[cfg(feature = "ssr")]
                    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                        res.set_status(axum::http::StatusCode::NOT_FOUND);
                    }
                    Ok(None)
                }
            }
        },
    );
    view! {
        <Title text=t_string!(i18n, details.title)/>
        <p class="mb-3 text-sm"><a href="/logs" class="underline">{t!(i18n, details.back)}</a></p>
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match details.await {
                    Ok(Some(d)) => view! { <Details d/> }.into_any(),
                    Ok(None) => view! {
                        <div role="alert" class="rounded border border-slate-300 p-4">
                            <h1 class="font-semibold">{t!(i18n, details.not_found_heading)}</h1>
                            <p class="text-sm">{t!(i18n, details.not_found)}</p>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p role="alert">{t!(i18n, details.load_failed)} <FailureNote failure=e/></p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Details(d: RequestDetails) -> impl IntoView {
    let i18n = use_i18n();
    let row = d.row.clone();
    let lang = d.lang;
    let query = leptos_router::hooks::use_query_map();
    let id = row.id;
    let lang_href = move |l: Lang| {
        let mut href = format!("/logs/{id}?lang={}", l.code());
        if let Some(tz) = query.with_untracked(|q| q.get("tz")) {
            href.push_str(&format!("&tz={}", url_encode(&tz)));
        }
        href
    };
    let dt = "text-xs font-medium text-slate-500 dark:text-slate-400";
    let dd = "text-sm break-words";
    let field = move |k: &'static str, v: String| view! { <div><dt class=dt>{k}</dt><dd class=dd>{if v.is_empty() { "-".to_string() } else { v }}</dd></div> };
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let entry_source = d
        .entry
        .as_ref()
        .map(|e| format!("{} ({})", e.source(lang), e.id));
    let recognised = match d.recognised {
        MatchKind::Recognised => t_string!(i18n, details.recognised),
        MatchKind::CategoryFallback => t_string!(i18n, details.category_fallback),
        MatchKind::Unrecognised => t_string!(i18n, details.unrecognised),
    };
    let group_href = d.group_window_href.clone();
    let all_href = d.all_window_href.clone();
    let s = d.scope.clone();
    let texts = d.scope_texts.clone();
    let inner = d.inner.clone();
    let has_inner = !inner.is_empty();
    view! {
        <div class="grid gap-4 lg:grid-cols-3">
            <section class="lg:col-span-2 space-y-4">
                <div class="rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-4">
                    <h1 class="text-lg font-semibold flex items-center gap-2 flex-wrap">
                        <StatusBadge code=row.status_code/>
                        <span class="font-mono text-sm" data-testid="details-request-id">{row.request_id.clone()}</span>
                        <CopyButton text=row.request_id.clone() label=t_string!(i18n, details.copy_id)/>
                    </h1>
                    <pre class="mt-3 whitespace-pre-wrap break-words rounded bg-slate-50 dark:bg-slate-950 p-2 text-sm" data-testid="details-content">{row.content.clone()}</pre>
                    {has_inner.then(|| view! {
                        <div class="mt-3 text-sm" data-testid="upstream-body">
                            <h2 class="font-medium">{t!(i18n, details.upstream_body)}</h2>
                            <dl class="grid grid-cols-2 gap-2 mt-1">
                                {field("message", opt(&inner.message))}
                                {field("type", opt(&inner.error_type))}
                                {field("code", opt(&inner.code))}
                                {field("param", opt(&inner.param))}
                                {field(t_string!(i18n, details.wrapped_status), inner.status.map(|s| s.to_string()).unwrap_or_default())}
                            </dl>
                        </div>
                    })}
                </div>
                <div class="rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-4 space-y-2">
                    <h2 class="font-semibold flex items-center gap-2">{t!(i18n, details.what_it_means)}" "
                        {d.resolution.clone().map(|r| view! { <AttributionBadge attribution=r.attribution two_way=r.two_way/> })}
                    </h2>
                    <p class="text-sm" data-testid="meaning" lang=lang.code()>{d.meaning.clone()}</p>
                    <p class="text-sm"><span class="font-medium">{t!(i18n, details.first_action)}</span><span data-testid="first-action" lang=lang.code()>{d.action.clone()}</span></p>
                    {(!d.why.is_empty()).then(|| view! {
                        <p class="text-sm" data-testid="evidence"><span class="font-medium">{t!(i18n, details.why)}</span><span lang=lang.code()>{d.why.clone()}</span></p>
                    })}
                    <p class="text-xs text-slate-500 dark:text-slate-400" data-testid="documented-by">{recognised}{entry_source.map(|s| view! { " · "{t!(i18n, details.documented_by)}<span class="font-mono">{s}</span> })}</p>
                </div>
                <div class="rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-4">
                    <h2 class="font-semibold">{let minutes = s.window_minutes; t!(i18n, details.impact, minutes)}</h2>
                    <ul class="text-sm mt-1 space-y-1" data-testid="scope" data-own-only=s.own_only.to_string() lang=lang.code()>
                        <li><a class="underline" href=group_href.clone()>{texts.in_group.clone()}</a>{texts.spread.clone()}</li>
                        <li><a class="underline" href=format!("{group_href}&token={}", url_encode(&row.token_name))>{texts.from_token.clone()}</a></li>
                        {if s.own_only {
                            view! {
                                <li data-testid="others-in-group">{if s.others_in_group { t_string!(i18n, details.others_in_group) } else { t_string!(i18n, details.no_others_in_group) }}</li>
                                <li>{if s.others_elsewhere { t_string!(i18n, details.others_elsewhere) } else { t_string!(i18n, details.no_others_elsewhere) }}</li>
                            }.into_any()
                        } else {
                            view! { <li><a class="underline" href=all_href>{texts.other_groups.clone()}</a></li> }.into_any()
                        }}
                        <li>{t!(i18n, details.extent)}<span>{s.extent(lang)}</span></li>
                    </ul>
                    {(!d.persisting.is_empty()).then(|| view! { <Persistence persisting=d.persisting.clone() lang/> })}
                </div>
                {(!d.attempts.is_empty()).then(|| view! { <AttemptTimeline attempts=d.attempts.clone() outcome=d.outcome.clone() lang/> })}
            </section>
            <aside class="space-y-4">
                <div class="rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-4">
                    <div class="flex items-center justify-between mb-2 gap-2">
                        <h2 class="font-semibold">{t!(i18n, details.for_support)}</h2>
                        <nav class="text-xs flex gap-2" aria-label=move || t_string!(i18n, details.message_language)>
                            {[(Lang::En, "English"), (Lang::Zh, "中文")].into_iter().map(|(l, name)| view! {
                                <a href=lang_href(l) lang=l.code() aria-current=(l == lang).then_some("true")
                                    class=if l == lang { "font-semibold" } else { "underline" } data-lang=l.code()>{name}</a>
                            }).collect_view()}
                        </nav>
                        <CopyButton text=d.support_message.clone() label=t_string!(i18n, details.copy_support) test_id="copy-support"/>
                    </div>
                    <pre class="whitespace-pre-wrap break-words text-xs bg-slate-50 dark:bg-slate-950 rounded p-2 select-all" data-testid="support-message" lang=lang.code()>{d.support_message.clone()}</pre>
                </div>
                <dl class="rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-4 grid grid-cols-2 gap-2">
                    {field(t_string!(i18n, details.time), format!("{} {}", d.time, d.zone))}
                    {field(t_string!(i18n, details.log_type), match row.log_type {
                        LogType::Error => t_string!(i18n, details.type_error),
                        LogType::Consume => t_string!(i18n, details.type_consume),
                    }.to_string())}
                    {field(t_string!(i18n, details.user), format!("{} ({})", row.user_id, row.username))}
                    {field(t_string!(i18n, details.token), row.token_name.clone())}
                    {field(t_string!(i18n, details.group), row.group.clone())}
                    {field(t_string!(i18n, details.model), row.model.clone())}
                    {field(t_string!(i18n, details.business_code), opt(&row.error_code))}
                    {field(t_string!(i18n, details.error_type), opt(&row.error_type))}
                    {field(t_string!(i18n, details.upstream_request_id), opt(&row.upstream_request_id))}
                    {field(t_string!(i18n, details.latency), row.latency_ms.map(|l| format!("{l} ms")).unwrap_or_default())}
                    {field(t_string!(i18n, details.stream), if row.is_stream { t_string!(i18n, common.yes) } else { t_string!(i18n, common.no) }.to_string())}
                    {field(t_string!(i18n, details.tokens_in_out), format!("{}/{}", row.prompt_tokens, row.completion_tokens))}
                    {field(t_string!(i18n, details.first_seen), d.first_seen.clone())}
                    {field(t_string!(i18n, details.last_seen), d.last_seen.clone())}
                    {row.channel.clone().map(|c| field(t_string!(i18n, details.channel), c))}
                    {row.retries.clone().map(|c| field(t_string!(i18n, details.retries), c))}
                    {row.client_ip.clone().map(|c| field(t_string!(i18n, details.client_ip), c))}
                </dl>
            </aside>
        </div>
    }
}

/// How long the same failure has gone on: today and this week, for this token, model and
/// group; every count opens exactly the rows it counts.
#[component]
fn Persistence(persisting: Vec<Persisting>, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let cell = move |dimension: Dimension, span: Span| {
        persisting_of(&persisting, dimension, span).map(|p| {
            let n = if p.capped {
                format!("{}+", group_digits(p.count))
            } else {
                group_digits(p.count)
            };
            view! {
                <td class="px-2 py-1 text-right tabular-nums">
                    <a class="underline" href=p.href.clone() title=p.describe(lang)
                        data-dimension=dimension.as_str() data-span=span.as_str()>{n}</a>
                </td>
            }
        })
    };
    view! {
        <table class="mt-3 text-sm" data-testid="persisting">
            <caption class="text-left font-medium">{t!(i18n, details.going_on)}</caption>
            <thead>
                <tr>
                    <th scope="col"></th>
                    <th scope="col" class="px-2 py-1 text-right font-medium">{t!(i18n, details.today)}</th>
                    <th scope="col" class="px-2 py-1 text-right font-medium">{t!(i18n, details.this_week)}</th>
                </tr>
            </thead>
            <tbody>
                {Dimension::ALL.into_iter().map(|dimension| view! {
                    <tr>
                        <th scope="row" class="text-left font-normal pr-2">{match dimension {
                            Dimension::Token => t_string!(i18n, details.this_token),
                            Dimension::Model => t_string!(i18n, details.this_model),
                            Dimension::Group => t_string!(i18n, details.this_group),
                        }}</th>
                        {cell(dimension, Span::Today)}
                        {cell(dimension, Span::Week)}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Every row sharing the request id, oldest first: each failed attempt and how it ended.
#[component]
fn AttemptTimeline(
    attempts: Vec<AttemptView>,
    outcome: Option<String>,
    lang: Lang,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-4" aria-labelledby="attempts-h">
            <h2 id="attempts-h" class="font-semibold">{t!(i18n, details.attempts)}</h2>
            {outcome.map(|o| view! {
                <p class="text-sm mt-1"><span class="font-medium">{t!(i18n, details.outcome)}</span><span data-testid="attempts-outcome" lang=lang.code()>{o}</span></p>
            })}
            <ol class="mt-2 space-y-2 text-sm" data-testid="attempts">
                {attempts.into_iter().enumerate().map(|(i, a)| {
                    let n = i + 1;
                    let mark = if a.failed {
                        ("border-red-500", t_string!(i18n, details.attempt_failed))
                    } else {
                        ("border-green-600", t_string!(i18n, details.attempt_succeeded))
                    };
                    view! {
                        <li class=format!("border-l-4 pl-2 {}", mark.0) data-attempt=n data-failed=a.failed.to_string()
                            aria-current=a.current.then_some("true")>
                            <div class="flex flex-wrap items-center gap-2">
                                <a class="underline font-medium" href=format!("/logs/{}", a.id)>{t!(i18n, details.attempt_n, n)}</a>
                                <span>{mark.1}</span>
                                <StatusBadge code=a.status_code/>
                                {a.attribution.map(|attribution| view! { <AttributionBadge attribution/> })}
                                <span class="text-xs text-slate-500 dark:text-slate-400">{a.time.clone()}</span>
                                {a.channel.clone().map(|c| view! { <span class="text-xs" data-testid="attempt-channel">{c}</span> })}
                                {a.current.then(|| view! { <span class="text-xs">"("{t!(i18n, details.this_row)}")"</span> })}
                            </div>
                            {(a.failed && !a.content.is_empty()).then(|| view! {
                                <p class="text-xs break-words text-slate-700 dark:text-slate-300">{a.error_code.clone().map(|c| format!("{c}: ")).unwrap_or_default()}{a.content.clone()}</p>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

//! Usage Logs: the filter form (a plain GET form), active-filter chips, the results table and
//! keyset pagination. Every state lives in the URL query.
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use crate::ui::components::failure_note::FailureNote;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::domain::attribution::Attribution;
use crate::domain::digits::group_digits;
use crate::domain::filter::{
    highlight, FieldError, FieldProblem, LogQuery, Sort, COUNT_CAP, RANGE_PRESETS, TODAY,
};
use crate::domain::status::StatusParseError;
use crate::shared::logs::{LogPage, RowView};
use crate::ui::api::list_logs;
use crate::ui::components::badges::{AttributionBadge, StatusBadge};
use crate::ui::components::copy_button::CopyButton;
use crate::ui::components::guidance::{HelpPanel, TroubleshootingOrder};
use crate::ui::components::notice_list::NoticeList;
use crate::ui::islands::export_link::{ExportLink, ExportWords};
use crate::ui::islands::live_tail::LiveSwitch;
use crate::ui::lang::use_lang;

pub fn query_from_map(m: &ParamsMap) -> LogQuery {
    let mut q = LogQuery::default();
    for key in LogQuery::KEYS {
        q.set(key, m.get(key));
    }
    q
}

#[component]
pub fn LogsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_query_map();
    let query = Memo::new(move |_| query_from_map(&params.get()));
    let page = Resource::new(move || query.get(), list_logs);
    view! {
        <Title text=t_string!(i18n, logs.title)/>
        <div class="flex items-baseline justify-between gap-4 mb-3">
            <h1 class="text-xl font-semibold">{t!(i18n, logs.title)}</h1>
            <LogTypeSwitch query/>
        </div>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <LogsView query=query.get_untracked() page=p/> }.into_any(),
                    Err(e) => view! {
                        <p role="alert" class="text-rose-700">{t!(i18n, logs.load_failed)} <FailureNote failure=e/></p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn LogTypeSwitch(query: Memo<LogQuery>) -> impl IntoView {
    let i18n = use_i18n();
    let link = move |t: Option<&str>| {
        let mut q = query.get();
        q.log_type = t.map(str::to_string);
        q.cursor = None;
        q.sort = None;
        q.href()
    };
    let is_all = move || query.get().log_type.as_deref() == Some("all");
    let tab = "px-3 py-1 rounded text-sm border border-slate-300 dark:border-slate-700";
    view! {
        <nav aria-label=move || t_string!(i18n, logs.log_type) class="flex gap-1">
            <a href=move || link(None) class=tab aria-current=move || (!is_all()).then_some("page")
                class:font-semibold=move || !is_all()>{t!(i18n, logs.error_logs)}</a>
            <a href=move || link(Some("all")) class=tab aria-current=move || is_all().then_some("page")
                class:font-semibold=is_all>{t!(i18n, logs.all_logs)}</a>
        </nav>
    }
}

/// The problem with one field, in the viewer's language.
fn error_for(errors: &[FieldError], field: &str) -> Option<AnyView> {
    let i18n = use_i18n();
    let problem = &errors.iter().find(|e| e.field == field)?.problem;
    let value = match problem {
        FieldProblem::UnknownLogType(v)
        | FieldProblem::Status(StatusParseError::Invalid(v))
        | FieldProblem::UnknownAttribution(v)
        | FieldProblem::NotUserId(v)
        | FieldProblem::NotDateTime(v)
        | FieldProblem::UnknownRange(v)
        | FieldProblem::NotMilliseconds(v)
        | FieldProblem::UnknownSort(v) => v.clone(),
        _ => String::new(),
    };
    Some(match problem {
        FieldProblem::UnknownLogType(_) => t!(i18n, invalid.unknown_log_type, value).into_any(),
        FieldProblem::TooLong(max) => {
            let max = *max;
            t!(i18n, invalid.too_long, max).into_any()
        }
        FieldProblem::Status(StatusParseError::Invalid(_)) => {
            t!(i18n, invalid.bad_status, value).into_any()
        }
        FieldProblem::Status(StatusParseError::TooMany) => {
            t!(i18n, invalid.too_many_statuses).into_any()
        }
        FieldProblem::UnknownAttribution(_) => {
            t!(i18n, invalid.unknown_attribution, value).into_any()
        }
        FieldProblem::NotUserId(_) => t!(i18n, invalid.not_user_id, value).into_any(),
        FieldProblem::NotDateTime(_) => t!(i18n, invalid.not_date_time, value).into_any(),
        FieldProblem::EndBeforeStart => t!(i18n, invalid.end_before_start).into_any(),
        FieldProblem::UnknownRange(_) => t!(i18n, invalid.unknown_range, value).into_any(),
        FieldProblem::BadCursor => t!(i18n, invalid.bad_cursor).into_any(),
        FieldProblem::BadPageSize => t!(i18n, invalid.bad_page_size).into_any(),
        FieldProblem::ControlCharacters => t!(i18n, invalid.control_characters).into_any(),
        FieldProblem::BadCollapse => t!(i18n, invalid.bad_collapse).into_any(),
        FieldProblem::SpaceInside => t!(i18n, invalid.space_inside).into_any(),
        FieldProblem::AdminOnly => t!(i18n, invalid.admin_only).into_any(),
        FieldProblem::NotMilliseconds(_) => t!(i18n, invalid.not_milliseconds, value).into_any(),
        FieldProblem::UnknownSort(_) => t!(i18n, invalid.unknown_sort, value).into_any(),
    })
}

/// The URL keys the filter form has a field for (the user id and the channel only for those
/// who may pick one).
fn has_field(key: &str, page: &LogPage) -> bool {
    match key {
        "user" => !page.own_only,
        "channel" => page.admin_fields,
        "q" | "range" | "from" | "to" | "status" | "attribution" | "request_id" | "model"
        | "token" | "group" | "size" | "collapse" | "slower" => true,
        _ => false,
    }
}

/// An active filter's name and value in the page language ("时间范围: 最近 24 小时").
fn chip_text(key: &str, value: String) -> (String, String) {
    let i18n = use_i18n();
    let preset = |v: &str| -> Option<&'static str> {
        Some(match v {
            TODAY => t_string!(i18n, logs.today),
            "15m" => t_string!(i18n, logs.last_15m),
            "1h" => t_string!(i18n, logs.last_1h),
            "24h" => t_string!(i18n, logs.last_24h),
            "7d" => t_string!(i18n, logs.last_7d),
            "30d" => t_string!(i18n, logs.last_30d),
            "custom" => t_string!(i18n, logs.custom),
            _ => return None,
        })
    };
    let name = match key {
        "range" => t_string!(i18n, logs.range),
        "from" => t_string!(i18n, logs.chip_from),
        "to" => t_string!(i18n, logs.chip_to),
        "model" => t_string!(i18n, logs.model),
        "token" => t_string!(i18n, logs.token),
        "group" => t_string!(i18n, logs.group),
        "request_id" => t_string!(i18n, logs.request_id),
        "q" => t_string!(i18n, logs.chip_keyword),
        "status" => t_string!(i18n, logs.status),
        "attribution" => t_string!(i18n, logs.attribution),
        "user" => t_string!(i18n, logs.user_id),
        "entry" => t_string!(i18n, logs.chip_entry),
        "channel" => t_string!(i18n, logs.channel),
        "slower" => t_string!(i18n, logs.chip_slower),
        "collapse" => t_string!(i18n, logs.collapse),
        other => return (other.to_string(), value),
    };
    let value = match key {
        "range" => preset(&value).map(str::to_string).unwrap_or(value),
        "attribution" => Attribution::parse(&value)
            .map(|a| a.name(use_lang()).to_string())
            .unwrap_or(value),
        "collapse" if value == "1" => t_string!(i18n, logs.chip_on).to_string(),
        "slower" => format!("{value} ms"),
        _ => value,
    };
    (name.to_string(), value)
}

#[component]
fn LogsView(query: LogQuery, page: LogPage) -> impl IntoView {
    let i18n = use_i18n();
    let errors = page.errors.clone();
    let err = move |f: &str| error_for(&errors, f);
    let chips = query.active();
    let count_text = if page.capped {
        let count = group_digits(COUNT_CAP);
        t!(i18n, logs.results_capped, count).into_any()
    } else if page.count == 1 {
        t!(i18n, logs.result_one).into_any()
    } else {
        let count = group_digits(page.count);
        t!(i18n, logs.results, count).into_any()
    };
    let show_consume = query.log_type.as_deref() == Some("all");
    let keyword = query.q.clone().unwrap_or_default();
    let next_href = page.next_cursor.clone().map(|c| {
        let mut q = query.clone();
        q.cursor = Some(c);
        q.href()
    });
    let first_href = query.cursor.as_ref().map(|_| {
        let mut q = query.clone();
        q.cursor = None;
        q.href()
    });
    let rows = page.rows.clone();
    let empty = rows.is_empty();
    let rejected = page.errors.iter().any(|e| e.blocks_results());
    let count_text = if rejected {
        t!(i18n, logs.rejected).into_any()
    } else {
        count_text
    };
    // Problems of keys without a form field (the log type, the page position), and what the
    // page replaced with a default: said above the form instead of nowhere.
    let mut said: Vec<AnyView> = page
        .errors
        .iter()
        .filter(|e| !has_field(&e.field, &page))
        .filter_map(|e| error_for(std::slice::from_ref(e), &e.field))
        .collect();
    let lang = use_lang();
    said.extend(page.notices.iter().map(|n| n.describe(lang).into_any()));
    view! {
        <NoticeList items=said/>
        <FilterForm query=query.clone() page=page.clone() err=err.clone()/>
        {(!chips.is_empty()).then(|| view! {
            <div class="flex flex-wrap items-center gap-2 my-2 text-xs" aria-label=move || t_string!(i18n, logs.active_filters)>
                {chips.into_iter().map(|(k, v)| {
                    let href = query.without(k).href();
                    let (name, v) = chip_text(k, v);
                    view! {
                        <a href=href class="inline-flex items-center gap-1 rounded-full bg-sky-100 dark:bg-sky-900 px-2 py-0.5 hover:line-through"
                            aria-label=format!("{} {name}: {v}", t_string!(i18n, logs.remove_filter)) data-chip=k>
                            <span class="font-medium">{format!("{name}: ")}</span>{v.clone()}<span aria-hidden="true">"×"</span>
                        </a>
                    }
                }).collect_view()}
                <a href="/logs" class="underline">{t!(i18n, logs.clear_all)}</a>
            </div>
        })}
        <HelpPanel/>
        <div class="flex items-center gap-3 my-2">
            <p class="text-sm text-slate-600 dark:text-slate-300" role="status" aria-live="polite" data-testid="result-count">
                {count_text}
            </p>
            {query.sort.is_none().then(|| view! {
                <LiveSwitch label=t_string!(i18n, logs.live).to_string() hint=t_string!(i18n, logs.live_hint).to_string()
                    first_page=query.cursor.is_none()/>
            })}
            {(!rejected).then(|| view! {
                <ExportLink href=query.without("cursor").csv_href() words=export_words() expected=(!page.capped).then_some(page.count)/>
            })}
        </div>
        <div id=crate::shared::live_tail::RESULTS_ID>
        {if rejected {
            ().into_any()
        } else if empty {
            view! { <EmptyState/> }.into_any()
        } else {
            let tz = query.tz.as_ref().map(|t| format!("?tz={}", crate::domain::filter::url_encode(t))).unwrap_or_default();
            let sorted = page.sort == Sort::Slowest;
            let sort_href = if sorted {
                query.without("sort").href()
            } else {
                let mut q = query.without("cursor");
                q.sort = Some("latency".into());
                q.href()
            };
            view! { <ResultsTable rows show_consume keyword tz sort_href sorted/> }.into_any()
        }}
        <nav class="flex gap-3 my-3 text-sm" aria-label=move || t_string!(i18n, logs.pages)>
            {first_href.map(|h| view! { <a href=h class="underline">{t!(i18n, logs.first_page)}</a> })}
            {next_href.map(|h| view! { <a href=h class="underline" rel="next" data-testid="next-page">{t!(i18n, logs.older)}</a> })}
        </nav>
        </div>
        <p class="text-xs text-slate-500 dark:text-slate-400">{let zone = page.zone.clone(); t!(i18n, logs.times_in, zone)}</p>
    }
}

#[component]
fn FilterForm(
    query: LogQuery,
    page: LogPage,
    err: impl Fn(&str) -> Option<AnyView> + Clone + Send + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let field_error = move |f: &str| {
        err(f).map(|m| view! { <p class="text-xs text-rose-700 dark:text-rose-300 mt-0.5" role="alert" data-error-for=f.to_string()>{m}</p> })
    };
    let label = "block text-xs font-medium text-slate-600 dark:text-slate-300 mb-0.5";
    let input = "w-full rounded border border-slate-300 dark:border-slate-600 bg-white dark:bg-slate-900 px-2 py-1 text-sm focus:outline-none focus:ring-2 focus:ring-sky-500";
    let range = v(&query.range);
    let attribution = v(&query.attribution);
    let size = v(&query.size);
    let datalist = |id: &'static str, items: Vec<String>| {
        view! {
            <datalist id=id>{items.into_iter().map(|i| view! { <option value=i/> }).collect_view()}</datalist>
        }
    };
    let active = query.active().len();
    let open = !page.errors.is_empty();
    view! {
        // Phones: the form folds behind a toggle that says how many filters are on (a checkbox
        // and its label, so it works without JavaScript); wider screens always show it.
        <input id="f-toggle" type="checkbox" class="peer sr-only md:hidden" checked=open/>
        <label for="f-toggle" data-testid="filters-toggle"
            class="md:hidden flex items-center justify-between rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 px-3 py-2 text-sm font-medium cursor-pointer peer-focus-visible:ring-2 peer-focus-visible:ring-sky-500">
            <span>{t!(i18n, logs.filters_toggle, active)}</span>
            <span aria-hidden="true">"▾"</span>
        </label>
        <Form action="/logs" method="GET" attr:class="hidden peer-checked:grid md:grid mt-2 md:mt-0 grid-cols-2 md:grid-cols-4 xl:grid-cols-8 gap-2 items-start rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-3" attr:aria-label=move || t_string!(i18n, logs.form_label)>
            <input type="hidden" name="type" value=v(&query.log_type)/>
            {query.tz.clone().map(|tz| view! { <input type="hidden" name="tz" value=tz/> })}
            <div class="col-span-2">
                <label for="f-q" class=label>{t!(i18n, logs.keyword)}</label>
                <input id="f-q" name="q" type="search" class=input value=v(&query.q) placeholder=move || t_string!(i18n, logs.keyword_placeholder) autocomplete="off"/>
                {field_error("q")}
            </div>
            <div>
                <label for="f-range" class=label>{t!(i18n, logs.range)}</label>
                <select id="f-range" name="range" class=input>
                    <option value="" selected=range.is_empty()>{t!(i18n, logs.any_time)}</option>
                    <option value=TODAY selected=range == TODAY>{t!(i18n, logs.today)}</option>
                    {RANGE_PRESETS.iter().map(|(k, _)| {
                        let text = match *k {
                            "15m" => t_string!(i18n, logs.last_15m),
                            "1h" => t_string!(i18n, logs.last_1h),
                            "24h" => t_string!(i18n, logs.last_24h),
                            "7d" => t_string!(i18n, logs.last_7d),
                            _ => t_string!(i18n, logs.last_30d),
                        };
                        view! { <option value=*k selected=range == *k>{text}</option> }
                    }).collect_view()}
                    <option value="custom" selected=range == "custom">{t!(i18n, logs.custom)}</option>
                </select>
                {field_error("range")}
            </div>
            <div>
                <label for="f-from" class=label>{let zone = page.zone.clone(); t!(i18n, logs.from, zone)}</label>
                <input id="f-from" name="from" type="datetime-local" class=input value=v(&query.from)/>
                {field_error("from")}
            </div>
            <div>
                <label for="f-to" class=label>{let zone = page.zone.clone(); t!(i18n, logs.to, zone)}</label>
                <input id="f-to" name="to" type="datetime-local" class=input value=v(&query.to)/>
                {field_error("to")}
            </div>
            <div>
                <label for="f-status" class=label>{t!(i18n, logs.status)}</label>
                <input id="f-status" name="status" class=input value=v(&query.status) placeholder=move || t_string!(i18n, logs.status_placeholder)/>
                {field_error("status")}
            </div>
            <div>
                <label for="f-attribution" class=label>{t!(i18n, logs.attribution)}</label>
                <select id="f-attribution" name="attribution" class=input>
                    <option value="" selected=attribution.is_empty()>{t!(i18n, logs.any)}</option>
                    {Attribution::ALL.into_iter().map(|a| view! {
                        <option value=a.as_str() selected=attribution == a.as_str()>{a.name(lang)}</option>
                    }).collect_view()}
                </select>
                {field_error("attribution")}
            </div>
            <div>
                <label for="f-request" class=label>{t!(i18n, logs.request_id)}</label>
                <input id="f-request" name="request_id" class=format!("{input} font-mono") value=v(&query.request_id)/>
                {field_error("request_id")}
            </div>
            <div>
                <label for="f-model" class=label>{t!(i18n, logs.model)}</label>
                <input id="f-model" name="model" list="models" class=input value=v(&query.model)/>
                {datalist("models", page.facets.models.clone())}
                {field_error("model")}
            </div>
            <div>
                <label for="f-token" class=label>{t!(i18n, logs.token)}</label>
                <input id="f-token" name="token" list="tokens" class=input value=v(&query.token)/>
                {datalist("tokens", page.facets.tokens.clone())}
                {field_error("token")}
            </div>
            <div>
                <label for="f-group" class=label>{t!(i18n, logs.group)}</label>
                <input id="f-group" name="group" list="groups" class=input value=v(&query.group)/>
                {datalist("groups", page.facets.groups.clone())}
                {field_error("group")}
            </div>
            {(!page.own_only).then(|| view! {
                <div>
                    <label for="f-user" class=label>{t!(i18n, logs.user_id)}</label>
                    <input id="f-user" name="user" inputmode="numeric" class=input value=v(&query.user)/>
                    {field_error("user")}
                </div>
            })}
            {page.admin_fields.then(|| view! {
                <div>
                    <label for="f-channel" class=label>{t!(i18n, logs.channel)}</label>
                    <input id="f-channel" name="channel" class=input value=v(&query.channel)/>
                    {field_error("channel")}
                </div>
            })}
            <div>
                <label for="f-slower" class=label>{t!(i18n, logs.slower)}</label>
                <input id="f-slower" name="slower" inputmode="numeric" class=input value=v(&query.slower) placeholder="3000"/>
                {field_error("slower")}
            </div>
            <div>
                <label for="f-size" class=label>{t!(i18n, logs.rows_per_page)}</label>
                <select id="f-size" name="size" class=input>
                    {["20", "50", "100"].into_iter().map(|s| view! {
                        <option value=s selected=size == s || (size.is_empty() && s == "50")>{s}</option>
                    }).collect_view()}
                </select>
                {field_error("size")}
            </div>
            <div class="pt-4">
                <label class="inline-flex items-center gap-1 text-sm" title=move || t_string!(i18n, logs.collapse_hint)>
                    <input id="f-collapse" type="checkbox" name="collapse" value="1" checked=query.collapse.as_deref() == Some("1")/>
                    {t!(i18n, logs.collapse)}
                </label>
                {field_error("collapse")}
            </div>
            <div class="flex items-end gap-2 pt-4">
                <button type="submit" class="rounded bg-sky-700 text-white px-3 py-1 text-sm hover:bg-sky-800 focus:outline-none focus:ring-2 focus:ring-sky-500">{t!(i18n, logs.apply)}</button>
                <a href="/logs" class="text-sm underline">{t!(i18n, logs.reset)}</a>
            </div>
        </Form>
    }
}

#[component]
fn ResultsTable(
    rows: Vec<RowView>,
    show_consume: bool,
    keyword: String,
    tz: String,
    /// The latency header's link: to slowest first, or back to newest first when `sorted`.
    sort_href: String,
    sorted: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let th = "text-left font-medium px-1.5 py-1.5 whitespace-nowrap";
    // Headers of narrow columns may take two lines when the table needs the room (all usage
    // logs at 1280 px).
    let th_wrap = "text-left font-medium px-1.5 py-1.5";
    view! {
        <div class="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900">
            <table class="w-full text-sm cards-narrow" data-testid="logs-table">
                <caption class="sr-only">{t!(i18n, logs.caption)}</caption>
                <thead class="bg-slate-100 dark:bg-slate-800 text-xs text-slate-600 dark:text-slate-300">
                    <tr>
                        <th scope="col" class=th>{t!(i18n, logs.time)}</th>
                        <th scope="col" class=th>{t!(i18n, logs.model)}</th>
                        <th scope="col" class=th>{t!(i18n, logs.token)}</th>
                        <th scope="col" class=th>{t!(i18n, logs.group)}</th>
                        <th scope="col" class=th>{t!(i18n, logs.request_id)}</th>
                        <th scope="col" class=th>{t!(i18n, logs.message)}</th>
                        <th scope="col" class=th_wrap>{t!(i18n, logs.status)}</th>
                        <th scope="col" class=th>{t!(i18n, logs.attribution)}</th>
                        {show_consume.then(|| view! {
                            <th scope="col" class=th_wrap aria-sort=sorted.then_some("descending")>
                                <a href=sort_href class="underline decoration-dotted hover:decoration-solid" data-testid="sort-latency"
                                    title=move || if sorted { t_string!(i18n, logs.sort_newest) } else { t_string!(i18n, logs.sort_slowest) }>
                                    {t!(i18n, logs.latency)}{sorted.then_some(" ↓")}
                                </a>
                            </th>
                            <th scope="col" class=th_wrap>{t!(i18n, logs.tokens_in_out)}</th>
                            <th scope="col" class=th>{t!(i18n, logs.quota)}</th>
                        })}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| view! { <Row r show_consume keyword=keyword.clone() tz=tz.clone()/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Row(r: RowView, show_consume: bool, keyword: String, tz: String) -> impl IntoView {
    let i18n = use_i18n();
    let td = "px-1.5 py-1.5 align-top";
    // Long names are cut with the full text on hover, so status and attribution stay in view.
    let cell = "block truncate max-w-[8rem] hover:underline";
    // All usage logs add three columns: the message gives up the room.
    let message_width = if show_consume {
        "max-w-[8rem] 2xl:max-w-md"
    } else {
        "max-w-[15rem] 2xl:max-w-md"
    };
    let row = r.row;
    let details = format!("/logs/{}{tz}", row.id);
    let filter_link =
        |k: &str, v: &str| format!("/logs?{k}={}", crate::domain::filter::url_encode(v));
    let message = highlight(&row.content, &keyword)
        .into_iter()
        .map(|(s, m)| {
            if m {
                view! { <mark class="bg-yellow-200 dark:bg-yellow-700 dark:text-white">{s}</mark> }
                    .into_any()
            } else {
                s.into_any()
            }
        })
        .collect_view();
    view! {
        <tr class="border-t border-slate-100 dark:border-slate-800 hover:bg-slate-50 dark:hover:bg-slate-800/50 data-[selected]:bg-sky-50 dark:data-[selected]:bg-sky-950 data-[new]:bg-amber-50 dark:data-[new]:bg-amber-950" data-row-id=row.id>
            <td class=format!("{td} whitespace-nowrap font-mono text-xs") data-label=t_string!(i18n, logs.time)>
                <a href=details.clone() class="underline decoration-dotted">{r.time}</a>
            </td>
            <td class=td data-label=t_string!(i18n, logs.model)><a href=filter_link("model", &row.model) class=cell title=row.model.clone()>{row.model.clone()}</a></td>
            <td class=td data-label=t_string!(i18n, logs.token)><a href=filter_link("token", &row.token_name) class=cell title=row.token_name.clone()>{row.token_name.clone()}</a></td>
            <td class=td data-label=t_string!(i18n, logs.group)><a href=filter_link("group", &row.group) class=cell title=row.group.clone()>{row.group.clone()}</a></td>
            <td class=format!("{td} whitespace-nowrap") data-label=t_string!(i18n, logs.request_id)>
                <span class="inline-block align-bottom truncate max-w-[8rem] font-mono text-xs" data-testid="request-id" title=row.request_id.clone()>{row.request_id.clone()}</span>" "
                {(r.attempts > 1).then(|| {
                    let count = r.attempts;
                    view! {
                        <a href=format!("/logs?range=&type=all&request_id={}", crate::domain::filter::url_encode(&row.request_id))
                            class="text-xs underline" data-testid="attempt-count" title=t_string!(i18n, logs.attempts_title)>
                            {t!(i18n, logs.attempts, count)}
                        </a>" "
                    }
                })}
                <CopyButton text=row.request_id.clone() label=t_string!(i18n, common.copy) compact=true/>
            </td>
            <td class=format!("{td} {message_width}") data-label=t_string!(i18n, logs.message)>
                {if row.content.is_empty() {
                    view! { <a href=details class="text-slate-500 dark:text-slate-400" data-testid="message">{t!(i18n, logs.no_message)}</a> }.into_any()
                } else {
                    view! { <a href=details class=format!("block truncate {message_width}") title=row.content.clone() data-testid="message">{message}</a> }.into_any()
                }}
            </td>
            <td class=td data-label=t_string!(i18n, logs.status)><StatusBadge code=row.status_code/></td>
            <td class=td data-label=t_string!(i18n, logs.attribution)>{r.resolution.map(|r| view! { <AttributionBadge attribution=r.attribution two_way=r.two_way/> })}</td>
            {show_consume.then(|| view! {
                <td class=format!("{td} font-mono text-xs whitespace-nowrap") data-label=t_string!(i18n, logs.latency) data-testid="latency"
                    data-ms=row.latency_ms.map(|ms| ms.to_string()) title=row.latency_ms.filter(|&ms| ms > 0).map(|ms| format!("{} ms", group_digits(ms.unsigned_abs())))>
                    {crate::domain::latency::duration_text(row.latency_ms)}
                </td>
                <td class=format!("{td} font-mono text-xs") data-label=t_string!(i18n, logs.tokens_in_out)>{format!("{}/{}", row.prompt_tokens, row.completion_tokens)}</td>
                <td class=format!("{td} font-mono text-xs") data-label=t_string!(i18n, logs.quota)>{row.quota}</td>
            })}
        </tr>
    }
}

/// The export link's words in the page language.
fn export_words() -> ExportWords {
    let i18n = use_i18n();
    ExportWords {
        label: t_string!(i18n, logs.export_csv).to_string(),
        running: t_string!(i18n, logs.exporting).to_string(),
        done: t_string!(i18n, logs.exported).to_string(),
        failed: t_string!(i18n, logs.export_failed).to_string(),
    }
}

/// Shown when nothing matches: seed 000's troubleshooting order.
#[component]
fn EmptyState() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="rounded-lg border border-dashed border-slate-300 dark:border-slate-700 p-6 text-sm" data-testid="empty-state">
            <p class="font-medium mb-2">{t!(i18n, logs.empty)}</p>
            <TroubleshootingOrder/>
        </div>
    }
}

//! Reference: the catalogue as searchable tables, English and Chinese, each entry linking to
//! the logs that match it.
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::domain::attribution::Attribution;
use crate::domain::catalogue::Entry;
use crate::domain::filter::LogQuery;
use crate::ui::api::catalogue_entries;
use crate::ui::components::badges::AttributionBadge;

fn matches(e: &Entry, q: &str) -> bool {
    let q = q.to_lowercase();
    [
        &e.id,
        &e.table,
        e.titles.en.as_ref().unwrap_or(&e.table),
        e.titles.zh.as_ref().unwrap_or(&e.table),
        &e.en.meaning,
        &e.zh.meaning,
        &e.en.action,
        &e.zh.action,
    ]
    .iter()
    .any(|t| t.to_lowercase().contains(&q))
        || e.status
            .iter()
            .chain(&e.code)
            .chain(&e.contains)
            .any(|t| t.to_lowercase().contains(&q))
        || e.example
            .as_deref()
            .is_some_and(|x| x.to_lowercase().contains(&q))
}

fn logs_href(e: &Entry) -> String {
    LogQuery {
        range: Some("30d".into()),
        status: e.status.first().cloned(),
        q: e.example.clone().filter(|x| x.chars().count() <= 60),
        ..LogQuery::default()
    }
    .href()
}

#[component]
pub fn ReferencePage() -> impl IntoView {
    let i18n = use_i18n();
    let lang = crate::ui::lang::use_lang();
    let query = use_query_map();
    let q = Memo::new(move |_| query.get().get("q").unwrap_or_default());
    let entries = Resource::new(|| (), |_| catalogue_entries());
    view! {
        <Title text=t_string!(i18n, reference.title)/>
        <h1 class="text-xl font-semibold mb-2">{t!(i18n, reference.heading)}</h1>
        <p class="text-sm mb-2"><a class="underline" href="/reference/api" data-testid="api-reference-link">{t!(i18n, api_reference.link)}</a></p>
        <form method="GET" action="/reference" class="mb-3 flex gap-2" role="search">
            <label for="ref-q" class="sr-only">{t!(i18n, reference.search_label)}</label>
            <input id="ref-q" name="q" type="search" value=move || q.get() placeholder="401, cooling down, 额度, fastapi_error…"
                class="w-96 max-w-full rounded border border-slate-300 dark:border-slate-600 bg-white dark:bg-slate-900 px-2 py-1 text-sm"/>
            <button type="submit" class="rounded bg-sky-700 text-white px-3 py-1 text-sm">{t!(i18n, reference.search)}</button>
        </form>
        <Suspense fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                let all = entries.await.unwrap_or_default();
                let q = q.get();
                let shown: Vec<Entry> = all.into_iter().filter(|e| q.is_empty() || matches(e, &q)).collect();
                view! {
                    <p class="text-sm text-slate-600 dark:text-slate-300 mb-2" role="status">{let count = shown.len(); t!(i18n, reference.entries, count)}</p>
                    <div class="overflow-x-auto rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900">
                    <table class="w-full text-sm" data-testid="reference-table">
                        <thead class="bg-slate-100 dark:bg-slate-800 text-xs">
                            <tr>
                                <th scope="col" class="text-left px-2 py-1">{t!(i18n, reference.source)}</th>
                                <th scope="col" class="text-left px-2 py-1">{t!(i18n, reference.matches)}</th>
                                <th scope="col" class="text-left px-2 py-1">{t!(i18n, reference.attribution)}</th>
                                <th scope="col" class="text-left px-2 py-1">{t!(i18n, reference.meaning)}</th>
                                <th scope="col" class="text-left px-2 py-1">{t!(i18n, reference.action)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {shown.into_iter().map(|e| {
                                let href = logs_href(&e);
                                let matches = [e.status.join(" / "), e.code.join(", "), e.example.clone().or_else(|| e.contains.first().cloned()).unwrap_or_default()]
                                    .into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ");
                                view! {
                                    <tr class="border-t border-slate-100 dark:border-slate-800 align-top" id=e.id.clone()>
                                        <td class="px-2 py-1 text-xs whitespace-nowrap">{let seed = e.seed.clone(); if e.from_seed() { t!(i18n, reference.seed, seed).into_any() } else if seed == "newapi" { t!(i18n, reference.from_newapi).into_any() } else { t!(i18n, reference.from_providers).into_any() }}<br/><span class="text-slate-500 dark:text-slate-400" data-testid="table-title">{e.table_in(lang).to_string()}</span></td>
                                        <td class="px-2 py-1 font-mono text-xs"><a class="underline" href=href>{matches}</a></td>
                                        <td class="px-2 py-1">
                                            {e.base().map(|a: Attribution| view! { <AttributionBadge attribution=a/> })}
                                            {e.seed_label.clone().map(|l| view! { <div class="text-xs text-slate-500 dark:text-slate-400">{l}</div> })}
                                        </td>
                                        <td class="px-2 py-1">{e.en.meaning.clone()}<div class="text-slate-500 dark:text-slate-400" lang="zh">{e.zh.meaning.clone()}</div></td>
                                        <td class="px-2 py-1">{e.en.action.clone()}<div class="text-slate-500 dark:text-slate-400" lang="zh">{e.zh.action.clone()}</div></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }
            })}
        </Suspense>
    }
}

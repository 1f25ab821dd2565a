//! The API reference: every `/api/v1` operation as the OpenAPI document describes it, with a
//! link to the document itself.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::{t, t_string, use_i18n};
use crate::shared::api_reference::ApiOperation;
use crate::ui::api::api_reference;

/// Where the OpenAPI document is served.
const DOCUMENT: &str = "/api/v1/openapi.json";

#[component]
pub fn ApiReferencePage() -> impl IntoView {
    let i18n = use_i18n();
    let operations = Resource::new(|| (), |_| api_reference());
    view! {
        <Title text=t_string!(i18n, api_reference.title)/>
        <h1 class="text-xl font-semibold mb-2">{t!(i18n, api_reference.heading)}</h1>
        <p class="text-sm mb-4 max-w-3xl">
            {t!(i18n, api_reference.intro)}" "
            <a class="underline font-mono" href=DOCUMENT data-testid="openapi-link">{DOCUMENT}</a>
        </p>
        <Suspense fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                let ops = operations.await.unwrap_or_default();
                ops.into_iter().map(|op| view! { <Operation op/> }).collect_view()
            })}
        </Suspense>
    }
}

#[component]
fn Operation(op: ApiOperation) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!(
        "{}-{}",
        op.method.to_lowercase(),
        op.path.replace(['/', '{', '}'], "-")
    );
    let params = (!op.params.is_empty()).then(|| {
        view! {
            <h3 class="text-sm font-semibold mt-2">{t!(i18n, api_reference.parameters)}</h3>
            <div class="overflow-x-auto">
            <table class="w-full text-sm">
                <thead class="text-xs text-left">
                    <tr>
                        <th scope="col" class="px-2 py-1">{t!(i18n, api_reference.name)}</th>
                        <th scope="col" class="px-2 py-1">{t!(i18n, api_reference.location)}</th>
                        <th scope="col" class="px-2 py-1">{t!(i18n, api_reference.description)}</th>
                    </tr>
                </thead>
                <tbody>
                    {op.params.into_iter().map(|p| view! {
                        <tr class="border-t border-slate-100 dark:border-slate-800 align-top">
                            <td class="px-2 py-1 font-mono text-xs whitespace-nowrap">
                                {p.name}
                                {p.required.then(|| view! { <span class="ml-1 text-rose-700 dark:text-rose-300">{t!(i18n, api_reference.required)}</span> })}
                            </td>
                            <td class="px-2 py-1 text-xs">{p.location}</td>
                            <td class="px-2 py-1">{with_code(p.description)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        }
    });
    let body = op.body.map(|b| {
        view! {
            <h3 class="text-sm font-semibold mt-2">{t!(i18n, api_reference.body)}</h3>
            <p class="font-mono text-xs">{b}</p>
        }
    });
    view! {
        <section class="mb-6 rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-3" id=id data-testid="api-operation">
            <h2 class="font-mono text-sm font-semibold">
                <span class="mr-2 rounded bg-slate-200 dark:bg-slate-700 px-1">{op.method}</span>{op.path}
            </h2>
            <p class="font-semibold mt-1">{op.summary}</p>
            <p class="text-sm text-slate-700 dark:text-slate-300">{with_code(op.description)}</p>
            {params}
            {body}
            <h3 class="text-sm font-semibold mt-2">{t!(i18n, api_reference.responses)}</h3>
            <ul class="text-sm">
                {op.responses.into_iter().map(|r| view! {
                    <li>
                        <span class="font-mono">{r.status}</span>" "{r.description}
                        {r.schema.map(|s| view! { <span class="ml-1 font-mono text-xs text-slate-500 dark:text-slate-400">{s}</span> })}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Text whose `backticked` parts are shown as code, as the document writes them.
fn with_code(text: String) -> impl IntoView {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            let part = part.to_string();
            if i % 2 == 1 {
                view! { <code class="font-mono text-xs rounded bg-slate-100 dark:bg-slate-800 px-0.5">{part}</code> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect_view()
}

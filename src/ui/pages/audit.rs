//! Audit (admins): who looked at which other user's request, who exported what, and failed
//! sign-ins.
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use crate::ui::components::failure_note::FailureNote;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::domain::access::LookupKind;
use crate::ui::api::lookup_audit;

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let lines = Resource::new(move || query.with(|q| q.get("tz")), lookup_audit);
    view! {
        <Title text=t_string!(i18n, audit.title)/>
        <h1 class="text-xl font-semibold mb-1">{t!(i18n, audit.heading)}</h1>
        <p class="text-sm text-slate-600 dark:text-slate-400 mb-3">
            {t!(i18n, audit.intro)}
        </p>
        <Transition fallback=move || view! { <p aria-busy="true">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match lines.await {
                    Err(e) => view! { <p role="alert">{t!(i18n, audit.load_failed)} <FailureNote failure=e/></p> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p data-testid="audit-empty">{t!(i18n, audit.empty)}</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <table class="w-full text-sm" data-testid="audit">
                            <caption class="sr-only">{t!(i18n, audit.caption)}</caption>
                            <thead><tr class="text-left border-b border-slate-200 dark:border-slate-800">
                                <th scope="col" class="py-1">{t!(i18n, audit.when)}</th>
                                <th scope="col">{t!(i18n, audit.who)}</th>
                                <th scope="col">{t!(i18n, audit.role)}</th>
                                <th scope="col">{t!(i18n, audit.request_id)}</th>
                                <th scope="col">{t!(i18n, audit.relay_user)}</th>
                                <th scope="col">{t!(i18n, audit.how)}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|l| view! {
                                    <tr class="border-b border-slate-100 dark:border-slate-800">
                                        <td class="py-1 whitespace-nowrap">{l.time}</td>
                                        <td>{l.lookup.username}</td>
                                        <td>{l.lookup.role.as_str()}</td>
                                        <td class="font-mono break-all">
                                            {if l.lookup.log_id > 0 {
                                                view! { <a class="underline" href=format!("/logs/{}", l.lookup.log_id)>{l.lookup.request_id}</a> }.into_any()
                                            } else {
                                                view! { <span data-testid="audit-detail">{l.lookup.detail}</span> }.into_any()
                                            }}
                                        </td>
                                        <td>{(l.lookup.relay_user_id > 0).then_some(l.lookup.relay_user_id)}</td>
                                        <td>{match l.lookup.how {
                                            LookupKind::Details => t_string!(i18n, audit.how_details),
                                            LookupKind::RequestIdSearch => t_string!(i18n, audit.how_search),
                                            LookupKind::Export => t_string!(i18n, audit.how_export),
                                            LookupKind::FailedSignIn => t_string!(i18n, audit.how_failed_sign_in),
                                        }}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

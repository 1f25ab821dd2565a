//! Audit (admins): who looked at which other user's request, and when.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::ui::api::lookup_audit;

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let lines = Resource::new(move || query.with(|q| q.get("tz")), lookup_audit);
    view! {
        <Title text="Audit"/>
        <h1 class="text-xl font-semibold mb-1">"Lookup audit"</h1>
        <p class="text-sm text-slate-600 dark:text-slate-400 mb-3">
            "Every time support staff or an admin opened or searched for a request of another relay user (newest 500)."
        </p>
        <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match lines.await {
                    Err(e) => view! { <p role="alert">"Could not load the audit: " {e.to_string()}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p data-testid="audit-empty">"No lookups of other users' requests yet."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <table class="w-full text-sm" data-testid="audit">
                            <caption class="sr-only">"Lookups of other users' requests"</caption>
                            <thead><tr class="text-left border-b border-slate-200 dark:border-slate-800">
                                <th scope="col" class="py-1">"When"</th>
                                <th scope="col">"Who"</th>
                                <th scope="col">"Role"</th>
                                <th scope="col">"Request ID"</th>
                                <th scope="col">"Relay user"</th>
                                <th scope="col">"How"</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|l| view! {
                                    <tr class="border-b border-slate-100 dark:border-slate-800">
                                        <td class="py-1 whitespace-nowrap">{l.time}</td>
                                        <td>{l.lookup.username}</td>
                                        <td>{l.lookup.role.as_str()}</td>
                                        <td class="font-mono">
                                            <a class="underline" href=format!("/logs/{}", l.lookup.log_id)>{l.lookup.request_id}</a>
                                        </td>
                                        <td>{l.lookup.relay_user_id}</td>
                                        <td>{match l.lookup.how {
                                            crate::domain::access::LookupKind::Details => "opened the details",
                                            crate::domain::access::LookupKind::RequestIdSearch => "searched by request ID",
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

//! Retention (admins): how many days of error and consume rows to keep, and what was purged.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::domain::retention::MAX_DAYS;
use crate::ui::api::{retention_status, PurgeNow, SetRetention};
use crate::ui::components::admin_form::{outcome, BUTTON, INPUT};

#[component]
pub fn RetentionPage() -> impl IntoView {
    let set = ServerAction::<SetRetention>::new();
    let purge = ServerAction::<PurgeNow>::new();
    let query = use_query_map();
    let page = Resource::new(
        move || {
            (
                set.version().get(),
                purge.version().get(),
                query.with(|q| q.get("tz")),
            )
        },
        |(_, _, tz)| retention_status(tz),
    );
    view! {
        <Title text="Retention"/>
        <h1 class="text-xl font-semibold mb-1">"Retention"</h1>
        <p class="text-sm text-slate-600 dark:text-slate-400 mb-3">
            "Rows older than the retention are deleted in small batches every hour (and now, on request). Leave the field empty to keep rows forever."
        </p>
        {move || outcome(set.value().get(), |_| "Saved.".into(), ("retention-done", "retention-error"))}
        {move || outcome(purge.value().get(), |n| format!("Purged {n} rows."), ("purged", "purge-error"))}
        <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <p role="alert">"Could not load retention: " {e.to_string()}</p> }.into_any(),
                    Ok(p) => view! {
                        <section aria-labelledby="rules-h" class="mb-4 space-y-2">
                            <h2 id="rules-h" class="font-semibold">"Days to keep"</h2>
                            {p.rules.into_iter().map(|r| {
                                let name = r.log_type.as_str();
                                view! {
                                    <ActionForm action=set attr:class="flex items-end gap-2" attr:data-retention=name>
                                        <input type="hidden" name="log_type" value=name/>
                                        <label class="text-sm">
                                            {if name == "error" { "Error logs" } else { "Consume (usage) logs" }}<br/>
                                            <input name="days" inputmode="numeric" size="6" class=INPUT
                                                placeholder="forever" title=format!("1 to {MAX_DAYS} days")
                                                value=r.days.map(|d| d.to_string()).unwrap_or_default()/>
                                        </label>
                                        <span class="text-sm pb-1">"days"</span>
                                        <button type="submit" class=BUTTON>"Save"</button>
                                    </ActionForm>
                                }
                            }).collect_view()}
                        </section>
                        <ActionForm action=purge attr:class="mb-4">
                            <button type="submit" class=BUTTON>"Purge now"</button>
                        </ActionForm>
                        <section aria-labelledby="runs-h">
                            <h2 id="runs-h" class="font-semibold mb-1">"Latest purges"</h2>
                            <table class="w-full text-sm" data-testid="purges">
                                <thead><tr class="text-left border-b border-slate-200 dark:border-slate-800">
                                    <th scope="col" class="py-1">"Finished"</th>
                                    <th scope="col">"Log type"</th>
                                    <th scope="col">"Kept"</th>
                                    <th scope="col">"Removed"</th>
                                    <th scope="col">"Took"</th>
                                </tr></thead>
                                <tbody>
                                    {p.purges.into_iter().map(|(when, r)| view! {
                                        <tr class="border-b border-slate-100 dark:border-slate-800">
                                            <td class="py-1 whitespace-nowrap">{when}</td>
                                            <td>{r.log_type.as_str()}</td>
                                            <td>{format!("{} days", r.days)}</td>
                                            <td>{r.removed}</td>
                                            <td>{format!("{} ms", r.finished_ms - r.started_ms)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

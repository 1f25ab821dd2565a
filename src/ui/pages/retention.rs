//! Retention (admins): how many days of error and consume rows to keep, and what was purged.
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use crate::ui::components::failure_note::FailureNote;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::domain::retention::MAX_DAYS;
use crate::ui::api::{retention_status, PurgeNow, SetRetention};
use crate::ui::components::admin_form::{last_answer, outcome, BUTTON, INPUT};

#[component]
pub fn RetentionPage() -> impl IntoView {
    let i18n = use_i18n();
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
        <Title text=t_string!(i18n, retention.title)/>
        <h1 class="text-xl font-semibold mb-1">{t!(i18n, retention.title)}</h1>
        <p class="text-sm text-slate-600 dark:text-slate-400 mb-3">
            {t!(i18n, retention.intro)}
        </p>
        {move || outcome(last_answer(set), move |_| t_string!(i18n, common.saved).into(), ("retention-done", "retention-error"))}
        {move || outcome(last_answer(purge), move |n| format!("{} {n}", t_string!(i18n, retention.purged)), ("purged", "purge-error"))}
        <Transition fallback=move || view! { <p aria-busy="true">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <p role="alert">{t!(i18n, retention.load_failed)} <FailureNote failure=e/></p> }.into_any(),
                    Ok(p) => view! {
                        <section aria-labelledby="rules-h" class="mb-4 space-y-2">
                            <h2 id="rules-h" class="font-semibold">{t!(i18n, retention.days_heading)}</h2>
                            {p.rules.into_iter().map(|r| {
                                let name = r.log_type.as_str();
                                view! {
                                    <ActionForm action=set attr:class="flex items-end gap-2" attr:data-retention=name>
                                        <input type="hidden" name="log_type" value=name/>
                                        <label class="text-sm">
                                            {if name == "error" { t_string!(i18n, retention.error_logs) } else { t_string!(i18n, retention.consume_logs) }}<br/>
                                            <input name="days" inputmode="numeric" size="6" class=INPUT
                                                placeholder=t_string!(i18n, retention.forever) title=format!("1–{MAX_DAYS} {}", t_string!(i18n, common.days))
                                                value=r.days.map(|d| d.to_string()).unwrap_or_default()/>
                                        </label>
                                        <span class="text-sm pb-1">{t!(i18n, common.days)}</span>
                                        <button type="submit" class=BUTTON>{t!(i18n, common.save)}</button>
                                    </ActionForm>
                                }
                            }).collect_view()}
                        </section>
                        <ActionForm action=purge attr:class="mb-4">
                            <button type="submit" class=BUTTON>{t!(i18n, retention.purge_now)}</button>
                        </ActionForm>
                        <section aria-labelledby="runs-h">
                            <h2 id="runs-h" class="font-semibold mb-1">{t!(i18n, retention.latest)}</h2>
                            <table class="w-full text-sm" data-testid="purges">
                                <thead><tr class="text-left border-b border-slate-200 dark:border-slate-800">
                                    <th scope="col" class="py-1">{t!(i18n, retention.finished)}</th>
                                    <th scope="col">{t!(i18n, retention.log_type)}</th>
                                    <th scope="col">{t!(i18n, retention.kept)}</th>
                                    <th scope="col">{t!(i18n, retention.removed)}</th>
                                    <th scope="col">{t!(i18n, retention.took)}</th>
                                </tr></thead>
                                <tbody>
                                    {p.purges.into_iter().map(|(when, r)| view! {
                                        <tr class="border-b border-slate-100 dark:border-slate-800">
                                            <td class="py-1 whitespace-nowrap">{when}</td>
                                            <td>{r.log_type.as_str()}</td>
                                            <td>{format!("{} {}", r.days, t_string!(i18n, common.days))}</td>
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

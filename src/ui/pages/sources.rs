//! new-api sources (admins): which databases errscope follows, how far each is, what went
//! wrong last; follow another, pause, resume, remove.
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use crate::ui::components::failure_note::FailureNote;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::shared::admin::SourceLine;
use crate::ui::api::{sync_source_list, AddSyncSource, ChangeSyncSource};
use crate::ui::components::admin_form::{last_answer, outcome, BUTTON, INPUT};

#[component]
pub fn SourcesPage() -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<AddSyncSource>::new();
    let change = ServerAction::<ChangeSyncSource>::new();
    let query = use_query_map();
    let sources = Resource::new(
        move || {
            (
                add.version().get(),
                change.version().get(),
                query.with(|q| q.get("tz")),
            )
        },
        |(_, _, tz)| sync_source_list(tz),
    );
    view! {
        <Title text=t_string!(i18n, sources.title)/>
        <h1 class="text-xl font-semibold mb-1">{t!(i18n, sources.title)}</h1>
        <p class="text-sm text-slate-600 dark:text-slate-400 mb-3 max-w-prose">{t!(i18n, sources.intro)}</p>
        <section aria-labelledby="add-source-h" class="mb-6 p-3 rounded border border-slate-200 dark:border-slate-800">
            <h2 id="add-source-h" class="font-semibold mb-2">{t!(i18n, sources.add_heading)}</h2>
            <ActionForm action=add attr:class="flex flex-wrap items-end gap-2">
                <label class="text-sm grow">{t!(i18n, sources.url)}<br/>
                    <input name="url" required maxlength="2048" autocomplete="off" spellcheck="false"
                        aria-describedby="source-url-hint" class=format!("{INPUT} w-full font-mono")/>
                </label>
                <button type="submit" class=BUTTON>{t!(i18n, sources.add)}</button>
            </ActionForm>
            <p id="source-url-hint" class="mt-1 text-xs text-slate-500 dark:text-slate-400">{t!(i18n, sources.url_hint)}</p>
            {move || outcome(last_answer(add), move |name: String| format!("{}{name}", t_string!(i18n, sources.added)), ("sources-added", "sources-error"))}
        </section>
        {move || outcome(last_answer(change), move |_| t_string!(i18n, common.saved).into(), ("sources-done", "sources-change-error"))}
        <Transition fallback=move || view! { <p aria-busy="true">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match sources.await {
                    Err(e) => view! { <p role="alert">{t!(i18n, sources.load_failed)} <FailureNote failure=e/></p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="text-sm">{t!(i18n, sources.none)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="space-y-3" data-testid="sources">
                            {list.into_iter().map(|s| view! { <SourceCard s change/> }).collect_view()}
                        </ul>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SourceCard(s: SourceLine, change: ServerAction<ChangeSyncSource>) -> impl IntoView {
    let i18n = use_i18n();
    let dt = "text-xs text-slate-500 dark:text-slate-400";
    let never = move || t_string!(i18n, sources.never).to_string();
    let action_button = move |action: &'static str, label: String, name: String| {
        let aria = format!("{label} {name}");
        view! {
            <ActionForm action=change attr:class="inline">
                <input type="hidden" name="id" value=s.id.to_string()/>
                <input type="hidden" name="action" value=action/>
                <button type="submit" class=BUTTON aria-label=aria>{label}</button>
            </ActionForm>
        }
    };
    let (toggle, toggle_label) = if s.paused {
        ("resume", t_string!(i18n, sources.resume).to_string())
    } else {
        ("pause", t_string!(i18n, sources.pause).to_string())
    };
    view! {
        <li class="rounded border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-3" data-source=s.name.clone()>
            <div class="flex flex-wrap items-center gap-2 justify-between">
                <h2 class="font-mono text-sm break-all">{s.name.clone()}
                    {s.from_flag.then(|| view! { <span class="ml-2 text-xs text-slate-500">"("{t!(i18n, sources.from_flag)}")"</span> })}
                </h2>
                <div class="flex gap-2 items-center">
                    <span class="text-sm" data-testid="source-state">{if s.paused { t_string!(i18n, sources.paused) } else { t_string!(i18n, sources.running) }}</span>
                    {action_button(toggle, toggle_label, s.name.clone())}
                    {action_button("remove", t_string!(i18n, sources.remove).to_string(), s.name.clone())}
                </div>
            </div>
            <dl class="mt-2 grid grid-cols-2 sm:grid-cols-4 gap-2 text-sm">
                <div><dt class=dt>{t!(i18n, sources.imported)}</dt><dd data-testid="source-imported">{s.imported}</dd></div>
                <div><dt class=dt>{t!(i18n, sources.lag)}</dt><dd data-testid="source-pending">{s.pending}</dd></div>
                <div><dt class=dt>{t!(i18n, sources.last_id)}</dt><dd>{s.last_id}</dd></div>
                <div><dt class=dt>{t!(i18n, sources.last_row)}</dt><dd>{s.last_row.clone().unwrap_or_else(never)}</dd></div>
                <div><dt class=dt>{t!(i18n, sources.last_poll)}</dt><dd>{s.last_poll.clone().unwrap_or_else(never)}</dd></div>
                <div><dt class=dt>{t!(i18n, sources.skipped)}</dt><dd>{s.skipped}</dd></div>
                <div><dt class=dt>{t!(i18n, sources.rejected)}</dt><dd>{s.rejected}</dd></div>
            </dl>
            {s.last_error.clone().map(|e| view! {
                <p role="alert" class="mt-2 text-sm text-red-700 dark:text-red-300 break-words" data-testid="source-error">
                    <span class="font-medium">{t!(i18n, sources.last_error)}": "</span>{e}
                </p>
            })}
            {s.error_logs_off.then(|| view! {
                <p role="note" class="mt-2 text-sm rounded bg-amber-50 dark:bg-amber-950 p-2" data-testid="source-no-error-logs">{t!(i18n, sources.no_error_logs)}</p>
            })}
        </li>
    }
}

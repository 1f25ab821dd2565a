//! API keys (admins): an ingest key per relay or a read key per tool (shown once), see which
//! exist, revoke.
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use crate::ui::components::failure_note::FailureNote;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::domain::access::KeyScope;
use crate::shared::admin::KeyLine;
use crate::ui::api::{ingest_key_list, AddIngestKey, RevokeIngestKey};
use crate::ui::components::admin_form::{last_answer, outcome, BUTTON, INPUT};
use crate::ui::components::copy_button::CopyButton;

#[component]
pub fn KeysPage() -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<AddIngestKey>::new();
    let revoke = ServerAction::<RevokeIngestKey>::new();
    let query = use_query_map();
    let keys = Resource::new(
        move || {
            (
                add.version().get(),
                revoke.version().get(),
                query.with(|q| q.get("tz")),
            )
        },
        |(_, _, tz)| ingest_key_list(tz),
    );
    view! {
        <Title text=t_string!(i18n, keys.title)/>
        <h1 class="text-xl font-semibold mb-1">{t!(i18n, keys.title)}</h1>
        <p class="text-sm text-slate-600 dark:text-slate-400 mb-3">
            {t!(i18n, keys.intro_push)} <code>"POST /api/v1/logs"</code> {t!(i18n, keys.intro_with)} <code>"Authorization: Bearer <key>"</code>
            {t!(i18n, keys.intro_hash)} {t!(i18n, keys.intro_read)} <code>"GET /api/v1/logs"</code>"."
        </p>
        <section aria-labelledby="new-key-h" class="mb-6 p-3 rounded border border-slate-200 dark:border-slate-800">
            <h2 id="new-key-h" class="font-semibold mb-2">{t!(i18n, keys.create_heading)}</h2>
            <ActionForm action=add attr:class="flex flex-wrap items-end gap-2">
                <label class="text-sm">{t!(i18n, keys.relay_name)}<br/><input name="name" required maxlength="64" class=INPUT/></label>
                <label class="text-sm">{t!(i18n, keys.scope)}<br/>
                    <select name="scope" class=INPUT>
                        <option value="ingest">{t!(i18n, keys.scope_ingest)}</option>
                        <option value="read">{t!(i18n, keys.scope_read)}</option>
                    </select>
                </label>
                <label class="text-sm">{t!(i18n, keys.read_as_user)}<br/><input name="relay_user_id" inputmode="numeric" class=INPUT/></label>
                <button type="submit" class=BUTTON>{t!(i18n, keys.create)}</button>
            </ActionForm>
            {move || last_answer(add).map(|r| match r {
                Ok(key) => view! {
                    <div role="status" class="mt-2 text-sm">
                        <p>{t!(i18n, keys.new_key)}</p>
                        <code class="font-mono break-all" data-testid="new-key">{key.clone()}</code>" "
                        <CopyButton text=key label=t_string!(i18n, common.copy)/>
                    </div>
                }.into_any(),
                Err(e) => view! { <p role="alert" class="mt-2 text-sm text-red-700 dark:text-red-300" data-testid="keys-error"><FailureNote failure=e/></p> }.into_any(),
            })}
        </section>
        {move || outcome(last_answer(revoke), move |_| t_string!(i18n, keys.revoked_done).into(), ("keys-done", "keys-error"))}
        <Transition fallback=move || view! { <p aria-busy="true">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match keys.await {
                    Err(e) => view! { <p role="alert">{t!(i18n, keys.load_failed)} <FailureNote failure=e/></p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="text-sm">{t!(i18n, keys.none)}</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="w-full text-sm" data-testid="keys">
                            <caption class="sr-only">{t!(i18n, keys.title)}</caption>
                            <thead><tr class="text-left border-b border-slate-200 dark:border-slate-800">
                                <th scope="col" class="py-1">{t!(i18n, keys.name)}</th>
                                <th scope="col">{t!(i18n, keys.prefix)}</th>
                                <th scope="col">{t!(i18n, keys.scope)}</th>
                                <th scope="col">{t!(i18n, keys.created)}</th>
                                <th scope="col">{t!(i18n, keys.state)}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|k| view! { <KeyRow k revoke/> }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn KeyRow(k: KeyLine, revoke: ServerAction<RevokeIngestKey>) -> impl IntoView {
    let i18n = use_i18n();
    let revoke_label = format!("{} {}", t_string!(i18n, keys.revoke), k.name);
    view! {
        <tr class="border-b border-slate-100 dark:border-slate-800" data-key-name=k.name.clone()>
            <td class="py-1 font-medium">{k.name.clone()}</td>
            <td class="font-mono">{format!("{}…", k.prefix)}</td>
            <td data-testid="key-scope">{match k.scope {
                KeyScope::Ingest => t_string!(i18n, keys.scope_ingest).to_string(),
                KeyScope::Read => match k.relay_user_id {
                    Some(user) => format!("{} · {user}", t_string!(i18n, keys.scope_read_user)),
                    None => t_string!(i18n, keys.scope_read).to_string(),
                },
            }}</td>
            <td class="whitespace-nowrap">{k.created.clone()}</td>
            <td>{match k.revoked.clone() {
                Some(when) => view! { <span>{t!(i18n, keys.revoked, when)}</span> }.into_any(),
                None => view! {
                    <ActionForm action=revoke attr:class="inline-flex gap-2 items-center">
                        <span>{t!(i18n, common.active)}</span>
                        <input type="hidden" name="id" value=k.id.to_string()/>
                        <button type="submit" class=BUTTON aria-label=revoke_label>{t!(i18n, keys.revoke)}</button>
                    </ActionForm>
                }.into_any(),
            }}</td>
        </tr>
    }
}

//! Ingest keys (admins): create one per relay (shown once), see which exist, revoke.
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::ui::api::{ingest_key_list, AddIngestKey, KeyLine, RevokeIngestKey};
use crate::ui::components::admin_form::{outcome, BUTTON, INPUT};
use crate::ui::components::copy_button::CopyButton;

#[component]
pub fn KeysPage() -> impl IntoView {
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
        <Title text="Ingest keys"/>
        <h1 class="text-xl font-semibold mb-1">"Ingest keys"</h1>
        <p class="text-sm text-slate-600 dark:text-slate-400 mb-3">
            "Relays push logs to " <code>"POST /api/v1/logs"</code> " with " <code>"Authorization: Bearer <key>"</code>
            ". errscope keeps only a hash of each key: copy a new key when it is shown."
        </p>
        <section aria-labelledby="new-key-h" class="mb-6 p-3 rounded border border-slate-200 dark:border-slate-800">
            <h2 id="new-key-h" class="font-semibold mb-2">"Create a key"</h2>
            <ActionForm action=add attr:class="flex flex-wrap items-end gap-2">
                <label class="text-sm">"Relay name"<br/><input name="name" required maxlength="64" class=INPUT/></label>
                <button type="submit" class=BUTTON>"Create"</button>
            </ActionForm>
            {move || add.value().get().map(|r| match r {
                Ok(key) => view! {
                    <div role="status" class="mt-2 text-sm">
                        <p>"New key (shown once):"</p>
                        <code class="font-mono break-all" data-testid="new-key">{key.clone()}</code>" "
                        <CopyButton text=key label="Copy"/>
                    </div>
                }.into_any(),
                Err(e) => view! { <p role="alert" class="mt-2 text-sm text-red-700 dark:text-red-300" data-testid="keys-error">{e.to_string()}</p> }.into_any(),
            })}
        </section>
        {move || outcome(revoke.value().get(), |_| "Key revoked.".into(), ("keys-done", "keys-error"))}
        <Transition fallback=|| view! { <p aria-busy="true">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match keys.await {
                    Err(e) => view! { <p role="alert">"Could not load keys: " {e.to_string()}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="text-sm">"No keys yet."</p> }.into_any(),
                    Ok(list) => view! {
                        <table class="w-full text-sm" data-testid="keys">
                            <caption class="sr-only">"Ingest keys"</caption>
                            <thead><tr class="text-left border-b border-slate-200 dark:border-slate-800">
                                <th scope="col" class="py-1">"Name"</th>
                                <th scope="col">"Key starts"</th>
                                <th scope="col">"Created"</th>
                                <th scope="col">"State"</th>
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
    let revoke_label = format!("Revoke {}", k.name);
    view! {
        <tr class="border-b border-slate-100 dark:border-slate-800" data-key-name=k.name.clone()>
            <td class="py-1 font-medium">{k.name.clone()}</td>
            <td class="font-mono">{format!("{}…", k.prefix)}</td>
            <td class="whitespace-nowrap">{k.created.clone()}</td>
            <td>{match k.revoked.clone() {
                Some(when) => view! { <span>{format!("revoked {when}")}</span> }.into_any(),
                None => view! {
                    <ActionForm action=revoke attr:class="inline-flex gap-2 items-center">
                        <span>"active"</span>
                        <input type="hidden" name="id" value=k.id.to_string()/>
                        <button type="submit" class=BUTTON aria-label=revoke_label>"Revoke"</button>
                    </ActionForm>
                }.into_any(),
            }}</td>
        </tr>
    }
}

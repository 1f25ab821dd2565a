//! Users (admins): create accounts, change roles, map relay user ids, disable, reset passwords.
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use crate::ui::components::failure_note::FailureNote;
use leptos_meta::Title;

use crate::domain::access::{Account, Role};
use crate::ui::api::{account_list, AddAccount, ChangeAccount};
use crate::ui::components::admin_form::{last_answer, outcome, BUTTON, INPUT};

#[component]
pub fn UsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<AddAccount>::new();
    let change = ServerAction::<ChangeAccount>::new();
    let accounts = Resource::new(
        move || (add.version().get(), change.version().get()),
        |_| account_list(),
    );
    view! {
        <Title text=t_string!(i18n, users.title)/>
        <h1 class="text-xl font-semibold mb-3">{t!(i18n, users.title)}</h1>
        <section aria-labelledby="add-h" class="mb-6 p-3 rounded border border-slate-200 dark:border-slate-800">
            <h2 id="add-h" class="font-semibold mb-2">{t!(i18n, users.add_heading)}</h2>
            <ActionForm action=add attr:class="flex flex-wrap items-end gap-2">
                <label class="text-sm">{t!(i18n, users.username)}<br/><input name="username" required class=INPUT/></label>
                <label class="text-sm">{t!(i18n, users.password)}<br/><input name="password" type="password" required minlength="10" autocomplete="new-password" class=INPUT/></label>
                <label class="text-sm">{t!(i18n, users.role)}<br/>
                    <select name="role" class=INPUT>
                        {Role::ALL.iter().map(|r| view! { <option value=r.as_str()>{r.as_str()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="text-sm">{t!(i18n, users.relay_user_id_for)}<br/><input name="relay_user_id" inputmode="numeric" class=INPUT/></label>
                <button type="submit" class=BUTTON>{t!(i18n, users.add)}</button>
            </ActionForm>
            {move || outcome(last_answer(add), move |_| t_string!(i18n, users.created).into(), ("users-done", "users-error"))}
        </section>
        {move || outcome(last_answer(change), move |_| t_string!(i18n, common.saved).into(), ("users-done", "users-error"))}
        <Transition fallback=move || view! { <p aria-busy="true">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match accounts.await {
                    Err(e) => view! { <p role="alert">{t!(i18n, users.load_failed)} <FailureNote failure=e/></p> }.into_any(),
                    Ok(list) => view! {
                        <table class="w-full text-sm" data-testid="accounts">
                            <caption class="sr-only">{t!(i18n, users.caption)}</caption>
                            <thead><tr class="text-left border-b border-slate-200 dark:border-slate-800">
                                <th scope="col" class="py-1">{t!(i18n, users.username)}</th>
                                <th scope="col">{t!(i18n, users.role)}</th>
                                <th scope="col">{t!(i18n, users.relay_user_id)}</th>
                                <th scope="col">{t!(i18n, users.state)}</th>
                                <th scope="col">{t!(i18n, users.password)}</th>
                                <th scope="col">{t!(i18n, users.sessions)}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|a| view! { <AccountRow a change/> }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One hidden-field form per change, so each works without JavaScript too.
fn change_form(
    change: ServerAction<ChangeAccount>,
    id: i64,
    action: &'static str,
    field: AnyView,
    label: &'static str,
) -> impl IntoView {
    view! {
        <ActionForm action=change attr:class="inline-flex gap-1 items-center">
            <input type="hidden" name="id" value=id.to_string()/>
            <input type="hidden" name="action" value=action/>
            {field}
            <button type="submit" class=BUTTON>{label}</button>
        </ActionForm>
    }
}

#[component]
fn AccountRow(a: Account, change: ServerAction<ChangeAccount>) -> impl IntoView {
    let i18n = use_i18n();
    let form = move |action, field, label| change_form(change, a.id, action, field, label);
    let role = a.role;
    let (toggle, toggle_label) = if a.disabled {
        ("enable", t_string!(i18n, users.enable))
    } else {
        ("disable", t_string!(i18n, users.disable))
    };
    view! {
        <tr class="border-b border-slate-100 dark:border-slate-800" data-username=a.username.clone()>
            <td class="py-1 font-medium">{a.username.clone()}</td>
            <td>{form("role", view! {
                <select name="value" class=INPUT aria-label=format!("{} {}", t_string!(i18n, users.role_of), a.username)>
                    {Role::ALL.iter().map(|r| view! { <option value=r.as_str() selected=*r == role>{r.as_str()}</option> }).collect_view()}
                </select>
            }.into_any(), t_string!(i18n, users.set))}</td>
            <td>{form("relay_user_id", view! {
                <input name="value" inputmode="numeric" size="8" class=INPUT
                    aria-label=format!("{} {}", t_string!(i18n, users.relay_user_id_of), a.username)
                    value=a.relay_user_id.map(|u| u.to_string()).unwrap_or_default()/>
            }.into_any(), t_string!(i18n, common.save))}</td>
            <td>
                <span class="mr-2">{if a.disabled { t_string!(i18n, users.disabled) } else { t_string!(i18n, common.active) }}</span>
                {form(toggle, view! { <input type="hidden" name="value" value=""/> }.into_any(), toggle_label)}
            </td>
            <td>{form("password", view! {
                <input name="value" type="password" minlength="10" autocomplete="new-password" class=INPUT
                    aria-label=format!("{} {}", t_string!(i18n, users.new_password_for), a.username)/>
            }.into_any(), t_string!(i18n, users.reset))}</td>
            <td>{form("sign_out", view! { <input type="hidden" name="value" value=""/> }.into_any(), t_string!(i18n, account.sign_out_everywhere))}</td>
        </tr>
    }
}

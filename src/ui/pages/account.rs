//! Your account: who you are signed in as, and the time zone pages are shown in.
use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::{t, t_string, use_i18n};
use crate::ui::api::{account_settings, ChangeOwnPassword, SetTimeZone};
use crate::ui::components::admin_form::{last_answer, outcome, BUTTON, INPUT};
use crate::ui::components::failure_note::FailureNote;

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let set = ServerAction::<SetTimeZone>::new();
    let change_password = ServerAction::<ChangeOwnPassword>::new();
    let settings = Resource::new(move || set.version().get(), |_| account_settings());
    view! {
        <Title text=t_string!(i18n, settings.title)/>
        <h1 class="text-xl font-semibold mb-3">{t!(i18n, settings.title)}</h1>
        {move || outcome(last_answer(set), move |_| t_string!(i18n, common.saved).into(), ("settings-done", "settings-error"))}
        <Transition fallback=move || view! { <p aria-busy="true">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Err(e) => view! { <p role="alert">{t!(i18n, common.could_not_load)} <FailureNote failure=e/></p> }.into_any(),
                    Ok(s) => {
                        let chosen = s.account.time_zone.clone();
                        let zone = s.zone_in_use.clone();
                        view! {
                            <dl class="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm mb-4">
                                <dt class="font-medium">{t!(i18n, login.username)}</dt><dd>{s.account.username.clone()}</dd>
                                <dt class="font-medium">{t!(i18n, users.role)}</dt><dd>{s.account.role.as_str()}</dd>
                                <dt class="font-medium">{t!(i18n, users.relay_user_id)}</dt>
                                <dd>{s.account.relay_user_id.map(|u| u.to_string()).unwrap_or_else(|| "-".into())}</dd>
                            </dl>
                            <section aria-labelledby="zone-h" class="mb-4 p-3 rounded border border-slate-200 dark:border-slate-800">
                                <h2 id="zone-h" class="font-semibold mb-1">{t!(i18n, settings.time_zone)}</h2>
                                <p class="text-sm mb-2" data-testid="zone-in-use">{t!(i18n, settings.zone_in_use, zone)}</p>
                                <ActionForm action=set attr:class="flex flex-wrap items-end gap-2">
                                    <label class="text-sm">{t!(i18n, settings.time_zone)}<br/>
                                        <select name="zone" class=INPUT>
                                            <option value="" selected=chosen.is_none()>{t!(i18n, settings.browser_zone)}</option>
                                            {s.zones.into_iter().map(|z| {
                                                let selected = chosen.as_deref() == Some(z.as_str());
                                                let label = z.clone();
                                                view! { <option value=z selected=selected>{label}</option> }
                                            }).collect_view()}
                                        </select>
                                    </label>
                                    <button type="submit" class=BUTTON>{t!(i18n, common.save)}</button>
                                </ActionForm>
                            </section>
                            <section aria-labelledby="password-h" class="mb-4 p-3 rounded border border-slate-200 dark:border-slate-800">
                                <h2 id="password-h" class="font-semibold mb-1">{t!(i18n, settings.password)}</h2>
                                {move || outcome(last_answer(change_password), move |_| t_string!(i18n, settings.password_changed).into(), ("password-done", "password-error"))}
                                <ActionForm action=change_password attr:class="flex flex-wrap items-end gap-2">
                                    <label class="text-sm">{t!(i18n, settings.current_password)}<br/>
                                        <input type="password" name="current" required autocomplete="current-password" class=INPUT/>
                                    </label>
                                    <label class="text-sm">{t!(i18n, settings.new_password)}<br/>
                                        <input type="password" name="new" required minlength="10" autocomplete="new-password" class=INPUT/>
                                    </label>
                                    <button type="submit" class=BUTTON>{t!(i18n, settings.change_password)}</button>
                                </ActionForm>
                            </section>
                            <p class="text-sm text-slate-600 dark:text-slate-400">{t!(i18n, settings.language_hint)}</p>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

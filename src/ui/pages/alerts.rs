//! Alerts (admins): rules that tell a webhook (Slack, Feishu/Lark, DingTalk, WeCom or JSON)
//! when Group Health finds failures concentrating, a "send test" button per rule, and the
//! delivery log with each target's answer.
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};
use crate::ui::components::failure_note::FailureNote;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::domain::alert::{AlertFormat, DeliveryState, Event};
use crate::shared::admin::{AlertRuleLine, DeliveryLine};
use crate::ui::api::{load_alerts, AddAlert, RemoveAlert, TestAlert};
use crate::ui::components::admin_form::{last_answer, outcome, BUTTON, INPUT};

#[component]
pub fn AlertsPage() -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<AddAlert>::new();
    let remove = ServerAction::<RemoveAlert>::new();
    let test = ServerAction::<TestAlert>::new();
    let query = use_query_map();
    let page = Resource::new(
        move || {
            (
                add.version().get(),
                remove.version().get(),
                test.version().get(),
                query.with(|q| q.get("tz")),
            )
        },
        |(_, _, _, tz)| load_alerts(tz),
    );
    let field = "text-sm flex flex-col gap-0.5";
    view! {
        <Title text=t_string!(i18n, alerts.title)/>
        <h1 class="text-xl font-semibold mb-1">{t!(i18n, alerts.title)}</h1>
        <p class="text-sm text-slate-600 dark:text-slate-400 mb-3 max-w-prose">{t!(i18n, alerts.intro)}</p>
        <section aria-labelledby="add-alert-h" class="mb-6 p-3 rounded border border-slate-200 dark:border-slate-800">
            <h2 id="add-alert-h" class="font-semibold mb-2">{t!(i18n, alerts.add_heading)}</h2>
            <ActionForm action=add attr:class="grid grid-cols-1 md:grid-cols-4 gap-2 items-end">
                <label class=field>{t!(i18n, alerts.name)}<input name="name" required maxlength="64" class=INPUT/></label>
                <label class=field>{t!(i18n, alerts.format)}
                    <select name="format" class=INPUT>
                        {AlertFormat::ALL.into_iter().map(|f| view! { <option value=f.as_str()>{format_name(f)}</option> }).collect_view()}
                    </select>
                </label>
                <label class=format!("{field} md:col-span-2")>{t!(i18n, alerts.webhook)}
                    <input name="webhook" required maxlength="2000" autocomplete="off" spellcheck="false" class=format!("{INPUT} font-mono")/>
                </label>
                <label class=field>{t!(i18n, alerts.secret)}<input name="secret" type="password" autocomplete="off" maxlength="256" class=INPUT/></label>
                <label class=field>{t!(i18n, alerts.window)}
                    <select name="window" class=INPUT>
                        {["1h", "6h", "24h", "7d"].into_iter().map(|w| view! { <option value=w>{w}</option> }).collect_view()}
                    </select>
                </label>
                <label class=field>{t!(i18n, alerts.min_errors)}<input name="min_errors" inputmode="numeric" placeholder="20" class=INPUT/></label>
                <label class=field>{t!(i18n, alerts.min_rate)}<input name="min_rate_pct" inputmode="numeric" placeholder="—" class=INPUT/></label>
                <label class=field>{t!(i18n, alerts.group)}<input name="group" maxlength="64" class=INPUT/></label>
                <label class=field>{t!(i18n, alerts.cooldown)}<input name="cooldown_minutes" inputmode="numeric" placeholder="30" class=INPUT/></label>
                <label class=field>{t!(i18n, alerts.lang)}
                    <select name="lang" class=INPUT>
                        <option value="en">"English"</option>
                        <option value="zh">"中文"</option>
                    </select>
                </label>
                <label class=field>{t!(i18n, alerts.time_zone)}<input name="time_zone" placeholder="UTC" class=INPUT/></label>
                <label class="text-sm flex items-center gap-2"><input type="checkbox" name="notify_resolved" value="on"/>{t!(i18n, alerts.notify_resolved)}</label>
                <button type="submit" class=BUTTON>{t!(i18n, alerts.add)}</button>
            </ActionForm>
            {move || outcome(last_answer(add), move |name: String| format!("{}{name}", t_string!(i18n, alerts.added)), ("alerts-added", "alerts-error"))}
        </section>
        {move || outcome(last_answer(remove), move |_| t_string!(i18n, alerts.removed).into(), ("alerts-removed", "alerts-remove-error"))}
        {move || last_answer(test).map(|r| match r {
            Ok((true, answer)) => view! { <p role="status" class="text-sm text-green-700 dark:text-green-300" data-testid="alert-test-ok">{t!(i18n, alerts.test_ok)}" "{answer}</p> }.into_any(),
            Ok((false, answer)) => view! { <p role="alert" class="text-sm text-red-700 dark:text-red-300" data-testid="alert-test-failed">{t!(i18n, alerts.test_failed)}" "{answer}</p> }.into_any(),
            Err(e) => view! { <p role="alert" class="text-sm text-red-700 dark:text-red-300" data-testid="alert-test-failed"><FailureNote failure=e/></p> }.into_any(),
        })}
        <Transition fallback=move || view! { <p aria-busy="true">{t!(i18n, common.loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(e) => view! { <p role="alert"><FailureNote failure=e/></p> }.into_any(),
                    Ok(p) => view! {
                        <h2 class="font-semibold mb-2">{t!(i18n, alerts.rules)}</h2>
                        {if p.rules.is_empty() {
                            view! { <p class="text-sm mb-6">{t!(i18n, alerts.no_rules)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="space-y-2 mb-6" data-testid="alert-rules">
                                    {p.rules.into_iter().map(|r| view! { <RuleCard r remove test/> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <h2 class="font-semibold mb-2">{t!(i18n, alerts.deliveries)}</h2>
                        <DeliveryLog lines=p.deliveries/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

fn format_name(f: AlertFormat) -> &'static str {
    match f {
        AlertFormat::Json => "JSON",
        AlertFormat::Slack => "Slack",
        AlertFormat::Feishu => "Feishu / Lark",
        AlertFormat::Dingtalk => "DingTalk",
        AlertFormat::Wecom => "WeCom",
    }
}

#[component]
fn RuleCard(
    r: AlertRuleLine,
    remove: ServerAction<RemoveAlert>,
    test: ServerAction<TestAlert>,
) -> impl IntoView {
    let i18n = use_i18n();
    let test_label = format!("{} {}", t_string!(i18n, alerts.test), r.name);
    let remove_label = format!("{} {}", t_string!(i18n, alerts.remove), r.name);
    let mut when = format!(
        "{} ≥ {} · {}",
        t_string!(i18n, alerts.min_errors),
        r.min_errors,
        r.window
    );
    if let Some(p) = r.min_rate_pct {
        when.push_str(&format!(" · {} ≥ {p}%", t_string!(i18n, alerts.min_rate)));
    }
    if let Some(g) = &r.group {
        when.push_str(&format!(" · {} {g}", t_string!(i18n, alerts.group)));
    }
    view! {
        <li class="rounded border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-3 flex flex-wrap gap-2 items-center justify-between" data-rule=r.name.clone()>
            <div class="min-w-0">
                <p class="font-medium">{r.name.clone()}" "<span class="text-xs text-slate-500">{format_name(r.format)}{r.signed.then(|| format!(" · {}", t_string!(i18n, alerts.signed)))}</span></p>
                <p class="text-xs font-mono text-slate-600 dark:text-slate-400 break-all">{r.target.clone()}</p>
                <p class="text-xs text-slate-600 dark:text-slate-400">{when}</p>
            </div>
            <div class="flex gap-2">
                <ActionForm action=test attr:class="inline">
                    <input type="hidden" name="id" value=r.id.to_string()/>
                    <button type="submit" class=BUTTON aria-label=test_label>{t!(i18n, alerts.test)}</button>
                </ActionForm>
                <ActionForm action=remove attr:class="inline">
                    <input type="hidden" name="id" value=r.id.to_string()/>
                    <button type="submit" class=BUTTON aria-label=remove_label>{t!(i18n, alerts.remove)}</button>
                </ActionForm>
            </div>
        </li>
    }
}

#[component]
fn DeliveryLog(lines: Vec<DeliveryLine>) -> impl IntoView {
    let i18n = use_i18n();
    if lines.is_empty() {
        return view! { <p class="text-sm">{t!(i18n, alerts.no_deliveries)}</p> }.into_any();
    }
    view! {
        <div class="overflow-x-auto">
            <table class="w-full text-sm" data-testid="alert-deliveries">
                <caption class="sr-only">{t!(i18n, alerts.deliveries)}</caption>
                <thead><tr class="text-left border-b border-slate-200 dark:border-slate-800">
                    <th scope="col" class="py-1 pr-2">{t!(i18n, alerts.time)}</th>
                    <th scope="col" class="pr-2">{t!(i18n, alerts.rule)}</th>
                    <th scope="col" class="pr-2">{t!(i18n, alerts.event)}</th>
                    <th scope="col" class="pr-2">{t!(i18n, alerts.state)}</th>
                    <th scope="col" class="pr-2">{t!(i18n, alerts.attempts)}</th>
                    <th scope="col">{t!(i18n, alerts.answer)}</th>
                </tr></thead>
                <tbody>
                    {lines.into_iter().map(|d| {
                        let state = match d.state {
                            DeliveryState::Sent => t_string!(i18n, alerts.state_sent),
                            DeliveryState::Failed => t_string!(i18n, alerts.state_failed),
                            DeliveryState::Pending => t_string!(i18n, alerts.state_pending),
                        };
                        let event = match d.event {
                            Event::Firing => t_string!(i18n, alerts.event_firing),
                            Event::Resolved => t_string!(i18n, alerts.event_resolved),
                            Event::Test => t_string!(i18n, alerts.event_test),
                        };
                        let state_class = match d.state {
                            DeliveryState::Sent => "text-green-700 dark:text-green-300",
                            DeliveryState::Failed => "text-red-700 dark:text-red-300",
                            DeliveryState::Pending => "text-amber-700 dark:text-amber-300",
                        };
                        view! {
                            <tr class="border-b border-slate-100 dark:border-slate-800 align-top" data-delivery=d.id.to_string()>
                                <td class="py-1 pr-2 whitespace-nowrap">{d.time}</td>
                                <td class="pr-2">{d.rule}</td>
                                <td class="pr-2" title=d.incident data-event=d.event.as_str()>{event}</td>
                                <td class=format!("pr-2 {state_class}") data-testid="delivery-state" data-state=d.state.as_str()>{state}</td>
                                <td class="pr-2">{d.attempts}</td>
                                <td class="break-all text-xs font-mono">{d.answer.unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }.into_any()
}

//! Alert rules as admins manage them on `/admin/alerts` and with `errscope alert`: add (the
//! webhook checked before it is saved), list (webhooks shown by host only), remove, and send a
//! test now, whose answer is shown and kept in the delivery log.
use super::target::TargetPolicy;
use super::{deliver, queued, settings};
use crate::domain::alert::{test_finding, Event, Rule, RuleInput};
use crate::domain::refusal::Refusal;
use crate::server::auth::{AdminError, Viewer};
use crate::server::store::{Attempted, Delivery, Store};
use crate::server::time::{now_ms, Zone};

/// Checks `input` and its webhook, and saves the rule.
pub async fn add_rule(
    store: &Store,
    policy: &TargetPolicy,
    input: &RuleInput,
) -> Result<Rule, AdminError> {
    let mut rule = input.check(Zone::is_known)?;
    policy.check(&rule.webhook).await.map_err(|e| e.refusal())?;
    rule.id = store.add_alert_rule(&rule, now_ms()).await?;
    Ok(rule)
}

/// Sends a test message for `rule` now; the answer says whether the target accepted it.
pub async fn send_test(
    store: &Store,
    policy: &TargetPolicy,
    public_url: Option<&str>,
    rule: &Rule,
) -> Result<deliver::Answer, AdminError> {
    let now = now_ms();
    let message = queued(rule, Event::Test, &test_finding(rule.lang), public_url);
    let answer = deliver::send(policy, rule, &message.body, now).await;
    // The test is not retried: it is recorded with its one answer.
    let id = store.queue_alert(rule, message, now).await?;
    let outcome = if answer.accepted {
        Attempted::Sent
    } else {
        Attempted::Failed
    };
    store
        .record_alert_attempt(id, outcome, &answer.text, now)
        .await?;
    Ok(answer)
}

fn admin() -> Result<Viewer, AdminError> {
    Ok(Viewer::current_with(
        crate::domain::access::Role::manages_accounts,
    )?)
}

pub async fn list(store: &Store) -> Result<Vec<Rule>, AdminError> {
    admin()?;
    Ok(store.alert_rules().await?)
}

pub async fn deliveries(store: &Store) -> Result<Vec<Delivery>, AdminError> {
    admin()?;
    Ok(store.alert_deliveries(50).await?)
}

pub async fn add(store: &Store, input: &RuleInput) -> Result<String, AdminError> {
    let who = admin()?;
    let rule = add_rule(store, &settings().policy, input).await?;
    tracing::info!(by = %who.account.username, rule = %rule.name, format = rule.format.as_str(), "alert rule added");
    Ok(rule.name)
}

pub async fn remove(store: &Store, id: i64) -> Result<(), AdminError> {
    let who = admin()?;
    if store.remove_alert_rule(id).await? {
        tracing::info!(by = %who.account.username, rule = id, "alert rule removed");
        Ok(())
    } else {
        Err(Refusal::NoSuchRule.into())
    }
}

pub async fn test(store: &Store, id: i64) -> Result<deliver::Answer, AdminError> {
    admin()?;
    let rule = store
        .alert_rule(&id.to_string())
        .await?
        .ok_or(Refusal::NoSuchRule)?;
    let s = settings();
    send_test(store, &s.policy, s.public_url.as_deref(), &rule).await
}

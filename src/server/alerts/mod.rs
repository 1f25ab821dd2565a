//! Alerts: every interval each rule reads Group Health over its window (as errscope itself,
//! an admin), turns what it finds into incidents (`domain::alert::steps`), and queues one
//! message per new incident (and per resolved one when the rule asks). Queued messages live
//! in the database: a worker sends the due ones, retrying with backoff, and a restart picks
//! up what was pending. The work runs in its own task, so a slow webhook never holds up
//! ingest or a page.
pub mod admin;
pub mod command;
pub mod deliver;
pub mod target;

use std::sync::OnceLock;
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::domain::alert::{steps, Event, Finding, Message, Rule, Step};
use crate::domain::health::{window_label, MIN_REQUESTS};
use crate::domain::lang::Lang;
use crate::server::auth::Viewer;
use crate::server::store::{Attempted, Queued, Store, StoreError};
use crate::server::time::{now_ms, Zone};
use crate::server::views::asker::PageError;
use crate::server::views::channels::channel_health_as;
use crate::server::views::health::{group_health_as, Latencies::Skip};
use crate::shared::health::{HealthPage, HealthSignal};
use target::TargetPolicy;

/// How alerts run, from `serve`'s flags.
#[derive(Clone, Debug)]
pub struct AlertSettings {
    pub interval: Duration,
    pub policy: TargetPolicy,
    /// The console's public address, for the links in messages.
    pub public_url: Option<String>,
}

impl Default for AlertSettings {
    fn default() -> Self {
        AlertSettings {
            interval: Duration::from_secs(60),
            policy: TargetPolicy::default(),
            public_url: None,
        }
    }
}

static SETTINGS: OnceLock<AlertSettings> = OnceLock::new();

/// The settings the admin pages use (what `spawn` was given, else the defaults).
pub fn settings() -> AlertSettings {
    SETTINGS.get().cloned().unwrap_or_default()
}

#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("Group Health could not be read: {0}")]
    Health(#[from] PageError),
}

/// Waits after a failed attempt: the n-th retry waits `BACKOFF[n]`; after the last, the
/// message is given up (the delivery log shows every answer).
pub const BACKOFF: [Duration; 5] = [
    Duration::from_secs(30),
    Duration::from_secs(120),
    Duration::from_secs(600),
    Duration::from_secs(1_800),
    Duration::from_secs(7_200),
];

/// Starts evaluation and delivery.
pub fn spawn(store: Store, settings: AlertSettings) -> JoinHandle<()> {
    let _ = SETTINGS.set(settings.clone());
    let tick = settings
        .interval
        .min(Duration::from_secs(10))
        .max(Duration::from_millis(100));
    tokio::spawn(async move {
        let mut next_evaluation = 0;
        loop {
            let now = now_ms();
            if now >= next_evaluation {
                next_evaluation = now + settings.interval.as_millis() as i64;
                if let Err(e) = evaluate_all(&store, settings.public_url.as_deref(), now).await {
                    tracing::warn!(error = %e, "alert evaluation failed");
                }
            }
            if let Err(e) = deliver_due(&store, &settings.policy, now_ms()).await {
                tracing::warn!(error = %e, "alert delivery failed");
            }
            tokio::time::sleep(tick).await;
        }
    })
}

/// Evaluates every rule once; answers the messages queued.
pub async fn evaluate_all(
    store: &Store,
    public_url: Option<&str>,
    now_ms: i64,
) -> Result<usize, AlertError> {
    let mut queued = 0;
    for rule in store.alert_rules().await? {
        queued += evaluate(store, &rule, public_url, now_ms).await?;
    }
    Ok(queued)
}

/// `href` under the public address, when there is one.
pub fn link(public_url: Option<&str>, href: &str) -> String {
    match public_url.map(|u| u.trim().trim_end_matches('/')) {
        Some(base) if !base.is_empty() => format!("{base}{href}"),
        _ => href.to_string(),
    }
}

/// What Group Health's `page` and the channel view's `callouts` hold that `rule` fires on:
/// concentrations, channels failing where the group's others succeed, and groups over the
/// rule's error rate.
pub fn findings(page: &HealthPage, callouts: &[HealthSignal], rule: &Rule) -> Vec<Finding> {
    let mut out: Vec<Finding> = page
        .signals
        .iter()
        .chain(callouts)
        .map(|s| Finding {
            key: s.key.clone(),
            groups: s.groups.clone(),
            sentence: s.sentence.clone(),
            attribution: s.attribution,
            errors: s.count,
            requests: None,
            top_message: Some(s.failure.clone()).filter(|f| !f.is_empty()),
            href: s.href.clone(),
        })
        .collect();
    if let Some(pct) = rule.min_rate_pct {
        for g in page
            .groups
            .iter()
            .filter(|g| g.requests >= MIN_REQUESTS && g.rate * 100.0 >= f64::from(pct))
        {
            let Some(attribution) = g.attribution_mix.iter().max_by_key(|m| m.1).map(|m| m.0)
            else {
                continue;
            };
            let rate = g.rate * 100.0;
            let (group, window) = (&g.group, &page.window_label);
            let sentence = match rule.lang {
                Lang::En => format!(
                    "Group {group}: {rate:.0}% of its requests failed in the last {window} (alert at {pct}%)"
                ),
                Lang::Zh => format!(
                    "分组 {group}：最近 {window}内 {rate:.0}% 的请求失败（告警线 {pct}%）"
                ),
            };
            out.push(Finding {
                key: format!("rate:{group}"),
                groups: vec![group.clone()],
                sentence,
                attribution,
                errors: g.errors,
                requests: Some(g.requests),
                top_message: g.top_messages.first().map(|m| {
                    let status = m
                        .status
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| "-".into());
                    format!("{status} “{}”", m.label)
                }),
                href: g.logs_href.clone(),
            });
        }
    }
    out.retain(|f| f.concerns(rule));
    out
}

/// Evaluates one rule: records its incidents' steps and queues their messages.
pub async fn evaluate(
    store: &Store,
    rule: &Rule,
    public_url: Option<&str>,
    now_ms: i64,
) -> Result<usize, AlertError> {
    let zone = || Zone::pick([Some(rule.time_zone.as_str())]);
    let system = Viewer::system();
    let (page, channels) = tokio::try_join!(
        group_health_as(store, &system, zone(), rule.lang, &rule.window, None, Skip),
        channel_health_as(store, &system, zone(), rule.lang, &rule.window, None, Skip),
    )?;
    let known = store.alert_incidents(rule.id).await?;
    let steps = steps(
        &known,
        findings(&page, &channels.callouts, rule),
        now_ms,
        rule.cooldown_minutes * 60_000,
    );
    let messages: Vec<Queued> = steps
        .iter()
        .filter_map(|s| match s {
            Step::Fire(f) => Some((Event::Firing, f)),
            Step::Resolve(f) if rule.notify_resolved => Some((Event::Resolved, f)),
            _ => None,
        })
        .map(|(event, f)| queued(rule, event, f, public_url))
        .collect();
    let n = messages.len();
    store
        .apply_alert_steps(rule, &steps, messages, now_ms)
        .await?;
    Ok(n)
}

/// The message of `event` about `finding`, ready to queue.
pub fn queued(rule: &Rule, event: Event, finding: &Finding, public_url: Option<&str>) -> Queued {
    let message = Message {
        event,
        rule,
        finding,
        window_label: window_label(&rule.window, rule.lang),
        link: link(public_url, &finding.href),
    };
    Queued {
        event,
        key: finding.key.clone(),
        body: message.body().to_string(),
    }
}

/// Sends the messages whose time has come; answers how many were accepted.
pub async fn deliver_due(
    store: &Store,
    policy: &TargetPolicy,
    now_ms: i64,
) -> Result<usize, StoreError> {
    let rules = store.alert_rules().await?;
    let mut accepted = 0;
    for d in store.due_alert_deliveries(now_ms, 20).await? {
        let Some(rule) = rules.iter().find(|r| r.id == d.rule_id) else {
            store
                .record_alert_attempt(d.id, Attempted::Failed, "rule removed", now_ms)
                .await?;
            continue;
        };
        let answer = deliver::send(policy, rule, &d.body, now_ms).await;
        let outcome = match (answer.accepted, BACKOFF.get(d.attempts.max(0) as usize)) {
            (true, _) => Attempted::Sent,
            (false, Some(wait)) => Attempted::RetryAt(now_ms + wait.as_millis() as i64),
            (false, None) => Attempted::Failed,
        };
        accepted += usize::from(answer.accepted);
        if !answer.accepted {
            tracing::warn!(rule = %rule.name, delivery = d.id, attempt = d.attempts + 1, answer = %answer.text, "alert not delivered");
        }
        store
            .record_alert_attempt(d.id, outcome, &answer.text, now_ms)
            .await?;
    }
    Ok(accepted)
}

//! Alert rules, their incidents, and the deliveries waiting or done. Rows are read by column
//! name into typed structs.
use super::{DbRow, Sql, Store, StoreError};
use crate::domain::alert::{AlertFormat, DeliveryState, Event, Incident, Rule, Step};
use crate::domain::lang::Lang;

const RULE_COLUMNS: &str = "id, name, webhook, format, secret, window_name, min_errors, \
    min_rate_pct, grp, notify_resolved, cooldown_minutes, lang, time_zone";

impl Rule {
    fn from_row(r: &DbRow) -> Rule {
        Rule {
            id: r.int_of("id"),
            name: r.text_of("name"),
            webhook: r.text_of("webhook"),
            // Written from an AlertFormat only.
            format: AlertFormat::parse(&r.text_of("format")).unwrap_or(AlertFormat::Json),
            secret: r.opt_text_of("secret"),
            window: r.text_of("window_name"),
            min_errors: r.int_of("min_errors").max(1) as u64,
            min_rate_pct: r
                .opt_int_of("min_rate_pct")
                .and_then(|p| u8::try_from(p).ok()),
            group: r.opt_text_of("grp"),
            notify_resolved: r.flag_of("notify_resolved"),
            cooldown_minutes: r.int_of("cooldown_minutes"),
            lang: Lang::parse(&r.text_of("lang")),
            time_zone: r.text_of("time_zone"),
        }
    }
}

/// A message to send, as the delivery worker reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    pub rule_id: i64,
    pub rule_name: String,
    pub incident_key: String,
    pub event: Event,
    /// The unsigned body (JSON text).
    pub body: String,
    pub state: DeliveryState,
    pub attempts: i64,
    pub created_ms: i64,
    pub last_ms: Option<i64>,
    /// The target's answer to the last attempt (status and a bounded, cleaned excerpt).
    pub answer: Option<String>,
}

const DELIVERY_COLUMNS: &str = "id, rule_id, rule_name, incident_key, event, body, state, \
    attempts, created_ms, last_ms, answer";

impl Delivery {
    fn from_row(r: &DbRow) -> Delivery {
        Delivery {
            id: r.int_of("id"),
            rule_id: r.int_of("rule_id"),
            rule_name: r.text_of("rule_name"),
            incident_key: r.text_of("incident_key"),
            event: Event::parse(&r.text_of("event")).unwrap_or(Event::Firing),
            body: r.text_of("body"),
            state: DeliveryState::parse(&r.text_of("state")),
            attempts: r.int_of("attempts"),
            created_ms: r.int_of("created_ms"),
            last_ms: r.opt_int_of("last_ms"),
            answer: r.opt_text_of("answer"),
        }
    }
}

/// A message an evaluation queues, with the step it belongs to.
pub struct Queued {
    pub event: Event,
    pub key: String,
    pub body: String,
}

/// What to do with a delivery after an attempt.
pub enum Attempted {
    Sent,
    RetryAt(i64),
    Failed,
}

impl Store {
    /// Saves a new rule; a rule of the same name is a conflict.
    pub async fn add_alert_rule(&self, rule: &Rule, now_ms: i64) -> Result<i64, StoreError> {
        let q = Sql::new(
            "INSERT INTO alert_rules (name, webhook, format, secret, window_name, min_errors, \
             min_rate_pct, grp, notify_resolved, cooldown_minutes, lang, time_zone, created_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(&rule.name)
        .bind(&rule.webhook)
        .bind(rule.format.as_str())
        .bind(&rule.secret)
        .bind(&rule.window)
        .bind(rule.min_errors.min(i64::MAX as u64) as i64)
        .bind(rule.min_rate_pct.map(i64::from))
        .bind(&rule.group)
        .bind(rule.notify_resolved)
        .bind(rule.cooldown_minutes)
        .bind(rule.lang.code())
        .bind(&rule.time_zone)
        .bind(now_ms);
        match self.run().fetch_one(&q).await {
            Ok(r) => Ok(r.int_of("id")),
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => Err(StoreError::Conflict(
                crate::domain::refusal::Refusal::RuleNameTaken {
                    name: rule.name.clone(),
                },
            )),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn alert_rules(&self) -> Result<Vec<Rule>, StoreError> {
        let q = Sql::new(format!(
            "SELECT {RULE_COLUMNS} FROM alert_rules ORDER BY id"
        ));
        Ok(self
            .run()
            .fetch_all(&q)
            .await?
            .iter()
            .map(Rule::from_row)
            .collect())
    }

    /// A rule by id, or by name when `id` is not a number.
    pub async fn alert_rule(&self, id_or_name: &str) -> Result<Option<Rule>, StoreError> {
        let q = match id_or_name.trim().parse::<i64>() {
            Ok(id) => Sql::new(format!(
                "SELECT {RULE_COLUMNS} FROM alert_rules WHERE id = $1"
            ))
            .bind(id),
            Err(_) => Sql::new(format!(
                "SELECT {RULE_COLUMNS} FROM alert_rules WHERE name = $1"
            ))
            .bind(id_or_name.trim()),
        };
        Ok(self
            .run()
            .fetch_optional(&q)
            .await?
            .map(|r| Rule::from_row(&r)))
    }

    /// Removes a rule with its incidents and its pending messages (sent ones stay in the log).
    pub async fn remove_alert_rule(&self, id: i64) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        tx.execute(&Sql::new("DELETE FROM alert_incidents WHERE rule_id = $1").bind(id))
            .await?;
        tx.execute(
            &Sql::new(
                "UPDATE alert_deliveries SET state = 'failed', answer = 'rule removed' \
                 WHERE rule_id = $1 AND state = 'pending'",
            )
            .bind(id),
        )
        .await?;
        let n = tx
            .execute(&Sql::new("DELETE FROM alert_rules WHERE id = $1").bind(id))
            .await?;
        tx.commit().await?;
        Ok(n == 1)
    }

    pub async fn alert_incidents(&self, rule_id: i64) -> Result<Vec<Incident>, StoreError> {
        let q = Sql::new(
            "SELECT incident_key, is_open, fired_ms, finding FROM alert_incidents \
             WHERE rule_id = $1",
        )
        .bind(rule_id);
        Ok(self
            .run()
            .fetch_all(&q)
            .await?
            .iter()
            // Written from a Finding only; one that no longer reads is dropped (and fires anew).
            .filter_map(|r| {
                Some(Incident {
                    key: r.text_of("incident_key"),
                    open: r.flag_of("is_open"),
                    fired_ms: r.opt_int_of("fired_ms"),
                    finding: serde_json::from_str(&r.text_of("finding")).ok()?,
                })
            })
            .collect())
    }

    /// Records one evaluation's steps for `rule` and queues its messages, in one transaction:
    /// an incident is never open without its message, nor a message sent twice.
    pub async fn apply_alert_steps(
        &self,
        rule: &Rule,
        steps: &[Step],
        messages: Vec<Queued>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        if steps.is_empty() && messages.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        for step in steps {
            let (key, finding, fired) = match step {
                Step::Fire(f) => (&f.key, Some(f), true),
                Step::Reopen(f) => (&f.key, Some(f), false),
                Step::Resolve(f) => (&f.key, None, false),
            };
            let q = match finding
                .map(serde_json::to_string)
                .transpose()
                .ok()
                .flatten()
            {
                None => Sql::new(
                    "UPDATE alert_incidents SET is_open = $1, resolved_ms = $2 \
                     WHERE rule_id = $3 AND incident_key = $4",
                )
                .bind(false)
                .bind(now_ms)
                .bind(rule.id)
                .bind(key),
                Some(finding) => Sql::new(
                    "INSERT INTO alert_incidents \
                     (rule_id, incident_key, is_open, finding, opened_ms, resolved_ms, fired_ms) \
                     VALUES ($1, $2, $3, $4, $5, NULL, $6) \
                     ON CONFLICT (rule_id, incident_key) DO UPDATE SET is_open = $3, \
                     finding = $4, opened_ms = $5, resolved_ms = NULL, \
                     fired_ms = COALESCE($6, alert_incidents.fired_ms)",
                )
                .bind(rule.id)
                .bind(key)
                .bind(true)
                .bind(finding)
                .bind(now_ms)
                .bind(fired.then_some(now_ms)),
            };
            tx.execute(&q).await?;
        }
        for m in messages {
            tx.execute(&queue_sql(rule, m, now_ms)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Queues one message outside an evaluation (a test); answers its id.
    pub async fn queue_alert(
        &self,
        rule: &Rule,
        m: Queued,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let mut q = queue_sql(rule, m, now_ms);
        q.push(" RETURNING id");
        Ok(self.run().fetch_one(&q).await?.int_of("id"))
    }

    /// Pending messages whose time has come, oldest first.
    pub async fn due_alert_deliveries(
        &self,
        now_ms: i64,
        limit: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let q = Sql::new(format!(
            "SELECT {DELIVERY_COLUMNS} FROM alert_deliveries \
             WHERE state = 'pending' AND next_ms <= $1 ORDER BY next_ms, id LIMIT $2"
        ))
        .bind(now_ms)
        .bind(limit);
        self.deliveries(&q).await
    }

    /// The delivery log, newest first.
    pub async fn alert_deliveries(&self, limit: i64) -> Result<Vec<Delivery>, StoreError> {
        let q = Sql::new(format!(
            "SELECT {DELIVERY_COLUMNS} FROM alert_deliveries ORDER BY id DESC LIMIT $1"
        ))
        .bind(limit);
        self.deliveries(&q).await
    }

    async fn deliveries(&self, q: &Sql) -> Result<Vec<Delivery>, StoreError> {
        Ok(self
            .run()
            .fetch_all(q)
            .await?
            .iter()
            .map(Delivery::from_row)
            .collect())
    }

    /// Records an attempt: its answer, and whether the message is done, waits, or gave up.
    pub async fn record_alert_attempt(
        &self,
        id: i64,
        outcome: Attempted,
        answer: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let (state, next) = match outcome {
            Attempted::Sent => (DeliveryState::Sent, now_ms),
            Attempted::RetryAt(t) => (DeliveryState::Pending, t),
            Attempted::Failed => (DeliveryState::Failed, now_ms),
        };
        let q = Sql::new(
            "UPDATE alert_deliveries SET state = $1, next_ms = $2, last_ms = $3, answer = $4, \
             attempts = attempts + 1 WHERE id = $5",
        )
        .bind(state.as_str())
        .bind(next)
        .bind(now_ms)
        .bind(answer)
        .bind(id);
        self.run().execute(&q).await?;
        Ok(())
    }
}

fn queue_sql(rule: &Rule, m: Queued, now_ms: i64) -> Sql {
    Sql::new(
        "INSERT INTO alert_deliveries (rule_id, rule_name, incident_key, event, body, state, \
         attempts, created_ms, next_ms) VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6)",
    )
    .bind(rule.id)
    .bind(&rule.name)
    .bind(m.key)
    .bind(m.event.as_str())
    .bind(m.body)
    .bind(now_ms)
}

//! Alerts: what a rule asks for, what Group Health found that a rule cares about (a
//! *finding*), how findings open and resolve incidents (one message when an incident starts,
//! optionally one when it ends, a cooldown against flapping), and the message in each chat
//! tool's body. Signing and sending are the server's.
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::attribution::Attribution;
use super::health::WINDOWS;
use super::lang::Lang;
use super::refusal::Refusal;

/// The body a webhook expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertFormat {
    /// errscope's own JSON (documented in the README), HMAC-signed with the rule's secret.
    Json,
    Slack,
    /// Feishu / Lark custom bot (signed with its "signature verification" secret).
    Feishu,
    /// DingTalk robot (signed with its "加签" secret).
    Dingtalk,
    /// WeCom (企业微信) group robot.
    Wecom,
}

impl AlertFormat {
    pub const ALL: [AlertFormat; 5] = [
        AlertFormat::Json,
        AlertFormat::Slack,
        AlertFormat::Feishu,
        AlertFormat::Dingtalk,
        AlertFormat::Wecom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AlertFormat::Json => "json",
            AlertFormat::Slack => "slack",
            AlertFormat::Feishu => "feishu",
            AlertFormat::Dingtalk => "dingtalk",
            AlertFormat::Wecom => "wecom",
        }
    }

    pub fn parse(s: &str) -> Option<AlertFormat> {
        let s = s.trim().to_ascii_lowercase();
        let s = if s == "lark" { "feishu" } else { s.as_str() };
        AlertFormat::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// Whether the target signs with a shared secret errscope must know.
    pub fn signs(self) -> bool {
        !matches!(self, AlertFormat::Slack | AlertFormat::Wecom)
    }
}

/// A rule as an admin writes it (page form or command line), before it is checked.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleInput {
    pub name: String,
    pub webhook: String,
    pub format: String,
    pub secret: String,
    pub window: String,
    pub min_errors: String,
    pub min_rate_pct: String,
    pub group: String,
    pub notify_resolved: bool,
    pub cooldown_minutes: String,
    pub lang: String,
    pub time_zone: String,
}

/// A checked rule. `webhook` and `secret` are secrets: never shown, never logged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: i64,
    pub name: String,
    pub webhook: String,
    pub format: AlertFormat,
    pub secret: Option<String>,
    /// One of Group Health's windows ("1h", "6h", "24h", "7d").
    pub window: String,
    /// A finding needs at least this many errors.
    pub min_errors: u64,
    /// A group whose error rate reaches this percentage (with `min_errors`) is a finding of
    /// its own; without it only concentrations are.
    pub min_rate_pct: Option<u8>,
    /// Only findings that involve this group.
    pub group: Option<String>,
    pub notify_resolved: bool,
    pub cooldown_minutes: i64,
    pub lang: Lang,
    pub time_zone: String,
}

pub const DEFAULT_WINDOW: &str = "1h";
pub const DEFAULT_MIN_ERRORS: u64 = 20;
pub const DEFAULT_COOLDOWN_MINUTES: i64 = 30;

/// A whole number as typed, `default` when empty, `problem` when it is not one.
fn number<T: std::str::FromStr>(text: &str, default: T, problem: Refusal) -> Result<T, Refusal> {
    match text.trim() {
        "" => Ok(default),
        t => t.parse().map_err(|_| problem),
    }
}

impl RuleInput {
    /// Checks everything but the webhook's address (the server resolves and checks that).
    /// `zone_known` says whether a time zone name exists.
    pub fn check(&self, zone_known: impl Fn(&str) -> bool) -> Result<Rule, Refusal> {
        let name = self.name.trim();
        if !(1..=64).contains(&name.chars().count()) || name.chars().any(char::is_control) {
            return Err(Refusal::RuleName);
        }
        let format = AlertFormat::parse(&self.format).ok_or(Refusal::RuleFormat)?;
        let webhook = self.webhook.trim();
        if webhook.is_empty() || webhook.len() > 2_000 || webhook.chars().any(char::is_control) {
            return Err(Refusal::RuleWebhook);
        }
        let secret = Some(self.secret.trim())
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if secret.as_ref().is_some_and(|s| s.len() > 256) {
            return Err(Refusal::RuleSecretTooLong);
        }
        if secret.is_some() && !format.signs() {
            return Err(Refusal::RuleUnsigned {
                format: format.as_str().to_string(),
            });
        }
        let window = match self.window.trim() {
            "" => DEFAULT_WINDOW.to_string(),
            w if WINDOWS.iter().any(|(n, ..)| *n == w) => w.to_string(),
            _ => return Err(Refusal::RuleWindow),
        };
        let min_errors: u64 = number(&self.min_errors, DEFAULT_MIN_ERRORS, Refusal::RuleMinErrors)?;
        if min_errors == 0 {
            return Err(Refusal::RuleMinErrors);
        }
        let min_rate_pct = match self.min_rate_pct.trim() {
            "" => None,
            t => Some(
                t.trim_end_matches('%')
                    .trim()
                    .parse::<u8>()
                    .ok()
                    .filter(|p| (1..=100).contains(p))
                    .ok_or(Refusal::RuleRate)?,
            ),
        };
        let cooldown_minutes: i64 = number(
            &self.cooldown_minutes,
            DEFAULT_COOLDOWN_MINUTES,
            Refusal::RuleCooldown,
        )?;
        if !(0..=10_080).contains(&cooldown_minutes) {
            return Err(Refusal::RuleCooldown);
        }
        let group = Some(self.group.trim())
            .filter(|g| !g.is_empty())
            .map(str::to_string);
        if group.as_ref().is_some_and(|g| g.chars().count() > 64) {
            return Err(Refusal::RuleGroup);
        }
        let time_zone = match self.time_zone.trim() {
            "" => "UTC".to_string(),
            z if zone_known(z) => z.to_string(),
            z => {
                return Err(Refusal::UnknownTimeZone {
                    zone: z.to_string(),
                })
            }
        };
        Ok(Rule {
            id: 0,
            name: name.to_string(),
            webhook: webhook.to_string(),
            format,
            secret,
            window,
            min_errors,
            min_rate_pct,
            group,
            notify_resolved: self.notify_resolved,
            cooldown_minutes,
            lang: Lang::parse(&self.lang),
            time_zone,
        })
    }
}

/// Something Group Health found that a rule fires on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// What was found, stable while it lasts: kind, groups and failure signature.
    pub key: String,
    pub groups: Vec<String>,
    /// The Group Health sentence: what, where, when, and whose fault.
    pub sentence: String,
    pub attribution: Attribution,
    pub errors: u64,
    /// The group's requests and error rate, for error-rate findings.
    pub requests: Option<u64>,
    pub top_message: Option<String>,
    /// The Usage Logs path (and query) of exactly the rows counted.
    pub href: String,
}

impl Finding {
    /// Whether `rule` cares: enough errors, and its group when it names one.
    pub fn concerns(&self, rule: &Rule) -> bool {
        self.errors >= rule.min_errors
            && rule
                .group
                .as_ref()
                .is_none_or(|g| self.groups.iter().any(|x| x == g))
    }
}

/// An incident as the store keeps it.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    pub key: String,
    pub open: bool,
    /// When a firing message was last queued.
    pub fired_ms: Option<i64>,
    /// What opened it (the resolve message repeats it).
    pub finding: Finding,
}

/// What one evaluation does to one incident.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// New (or back after the cooldown): open it and send the firing message.
    Fire(Finding),
    /// Back within the cooldown of its last message: open it again without a message.
    Reopen(Finding),
    /// Gone: close it (and send the resolve message when the rule asks for one).
    Resolve(Finding),
}

/// Compares what is found now with the incidents on record. Findings that are already open
/// change nothing: one message per incident, however long it lasts.
pub fn steps(known: &[Incident], found: Vec<Finding>, now_ms: i64, cooldown_ms: i64) -> Vec<Step> {
    let mut out: Vec<Step> = known
        .iter()
        .filter(|i| i.open && !found.iter().any(|f| f.key == i.key))
        .map(|i| Step::Resolve(i.finding.clone()))
        .collect();
    for f in found {
        match known.iter().find(|i| i.key == f.key) {
            Some(i) if i.open => {}
            Some(i) if i.fired_ms.is_some_and(|t| now_ms - t < cooldown_ms) => {
                out.push(Step::Reopen(f))
            }
            _ => out.push(Step::Fire(f)),
        }
    }
    out
}

/// Why a message is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Firing,
    Resolved,
    Test,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Firing => "firing",
            Event::Resolved => "resolved",
            Event::Test => "test",
        }
    }

    pub fn parse(s: &str) -> Option<Event> {
        [Event::Firing, Event::Resolved, Event::Test]
            .into_iter()
            .find(|e| e.as_str() == s)
    }
}

/// Where a queued message stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    Pending,
    Sent,
    Failed,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Sent => "sent",
            DeliveryState::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> DeliveryState {
        match s {
            "sent" => DeliveryState::Sent,
            "failed" => DeliveryState::Failed,
            _ => DeliveryState::Pending,
        }
    }
}

/// One message: the finding (for a resolve, as it was when it fired), the rule, and the
/// absolute link to the rows.
#[derive(Clone, Debug, PartialEq)]
pub struct Message<'a> {
    pub event: Event,
    pub rule: &'a Rule,
    pub finding: &'a Finding,
    pub window_label: String,
    /// `href` under the console's public address (the bare path when none is configured).
    pub link: String,
}

impl Message<'_> {
    /// The message as plain text, in the rule's language.
    pub fn text(&self) -> String {
        let f = self.finding;
        let zh = self.rule.lang == Lang::Zh;
        let head = match (self.event, zh) {
            (Event::Firing, false) => "[errscope] Alert",
            (Event::Firing, true) => "[errscope] 告警",
            (Event::Resolved, false) => "[errscope] Resolved",
            (Event::Resolved, true) => "[errscope] 已恢复",
            (Event::Test, false) => "[errscope] Test message",
            (Event::Test, true) => "[errscope] 测试消息",
        };
        let mut lines = vec![format!("{head} · {}", self.rule.name), f.sentence.clone()];
        let cause = f.attribution.name(self.rule.lang);
        let counts = match (f.requests, zh) {
            _ if self.event == Event::Resolved => {
                let w = &self.window_label;
                lines.push(if zh {
                    format!("最近 {w}内已不再出现")
                } else {
                    format!("No longer found in the last {w}")
                });
                lines.push(self.link_line());
                return lines.join("\n");
            }
            (Some(r), false) => format!(
                "{} errors of {r} requests ({:.0}%) in the last {}",
                f.errors,
                f.errors as f64 * 100.0 / r.max(1) as f64,
                self.window_label
            ),
            (Some(r), true) => format!(
                "最近 {}内 {r} 个请求中 {} 个失败（{:.0}%）",
                self.window_label,
                f.errors,
                f.errors as f64 * 100.0 / r.max(1) as f64
            ),
            (None, false) => format!("{} errors in the last {}", f.errors, self.window_label),
            (None, true) => format!("最近 {}内 {} 个错误", self.window_label, f.errors),
        };
        lines.push(if zh {
            format!("归因：{cause} · {counts}")
        } else {
            format!("Attribution: {cause} · {counts}")
        });
        if let Some(m) = &f.top_message {
            lines.push(if zh {
                format!("最多的错误：{m}")
            } else {
                format!("Top message: {m}")
            });
        }
        lines.push(self.link_line());
        lines.join("\n")
    }

    fn link_line(&self) -> String {
        match self.rule.lang {
            Lang::Zh => format!("查看这些记录：{}", self.link),
            Lang::En => format!("Rows: {}", self.link),
        }
    }

    /// The body for the rule's format, before signing.
    pub fn body(&self) -> Value {
        let text = self.text();
        match self.rule.format {
            AlertFormat::Json => {
                let f = self.finding;
                json!({
                    "event": self.event.as_str(),
                    "rule": self.rule.name,
                    "incident": f.key,
                    "sentence": f.sentence,
                    "attribution": f.attribution.as_str(),
                    "window": self.rule.window,
                    "groups": f.groups,
                    "errors": f.errors,
                    "requests": f.requests,
                    "top_message": f.top_message,
                    "url": self.link,
                    "text": text,
                })
            }
            AlertFormat::Slack => json!({ "text": text }),
            AlertFormat::Feishu => json!({ "msg_type": "text", "content": { "text": text } }),
            AlertFormat::Dingtalk | AlertFormat::Wecom => {
                json!({ "msgtype": "text", "text": { "content": text } })
            }
        }
    }
}

/// The finding a "send test" button sends: marked as a test in every line.
pub fn test_finding(lang: Lang) -> Finding {
    let sentence = match lang {
        Lang::En => "This is a test from errscope: the webhook works.",
        Lang::Zh => "这是来自 errscope 的测试消息：Webhook 可用。",
    };
    Finding {
        key: "test".into(),
        groups: vec![],
        sentence: sentence.into(),
        attribution: Attribution::Platform,
        errors: 0,
        requests: None,
        top_message: None,
        href: "/health".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(key: &str, group: &str, errors: u64) -> Finding {
        Finding {
            key: key.into(),
            groups: vec![group.into()],
            sentence: format!("{group} fails"),
            attribution: Attribution::Upstream,
            errors,
            requests: None,
            top_message: None,
            href: "/logs?group=vip".into(),
        }
    }

    fn open_incident(f: &Finding) -> Incident {
        Incident {
            key: f.key.clone(),
            open: true,
            fired_ms: Some(0),
            finding: f.clone(),
        }
    }

    fn input() -> RuleInput {
        RuleInput {
            name: "ops".into(),
            webhook: "https://hooks.example.com/x".into(),
            format: "feishu".into(),
            ..RuleInput::default()
        }
    }

    #[test]
    fn a_rule_gets_defaults_and_refuses_nonsense() {
        let r = input().check(|_| false).unwrap();
        assert_eq!(
            (
                r.window.as_str(),
                r.min_errors,
                r.cooldown_minutes,
                r.time_zone.as_str()
            ),
            ("1h", 20, 30, "UTC")
        );
        for (change, refusal) in [
            (
                RuleInput {
                    format: "teams".into(),
                    ..input()
                },
                Refusal::RuleFormat,
            ),
            (
                RuleInput {
                    window: "2h".into(),
                    ..input()
                },
                Refusal::RuleWindow,
            ),
            (
                RuleInput {
                    min_errors: "0".into(),
                    ..input()
                },
                Refusal::RuleMinErrors,
            ),
            (
                RuleInput {
                    min_rate_pct: "150".into(),
                    ..input()
                },
                Refusal::RuleRate,
            ),
            (
                RuleInput {
                    name: " ".into(),
                    ..input()
                },
                Refusal::RuleName,
            ),
            (
                RuleInput {
                    webhook: "".into(),
                    ..input()
                },
                Refusal::RuleWebhook,
            ),
            (
                RuleInput {
                    format: "slack".into(),
                    secret: "s".into(),
                    ..input()
                },
                Refusal::RuleUnsigned {
                    format: "slack".into(),
                },
            ),
            (
                RuleInput {
                    time_zone: "Mars/Base".into(),
                    ..input()
                },
                Refusal::UnknownTimeZone {
                    zone: "Mars/Base".into(),
                },
            ),
        ] {
            let e = change.check(|_| false).unwrap_err();
            assert_eq!(e, refusal);
        }
        let r = RuleInput {
            min_rate_pct: "25%".into(),
            format: "Lark".into(),
            ..input()
        }
        .check(|_| false)
        .unwrap();
        assert_eq!((r.min_rate_pct, r.format), (Some(25), AlertFormat::Feishu));
    }

    #[test]
    fn one_message_per_incident_a_resolve_when_it_ends_and_a_cooldown_against_flapping() {
        let minute = 60_000;
        let storm = finding("one:vip:502", "vip", 300);
        // New: fire.
        assert_eq!(
            steps(&[], vec![storm.clone()], 0, 30 * minute),
            vec![Step::Fire(storm.clone())]
        );
        // Still there: nothing.
        let open = Incident {
            key: storm.key.clone(),
            open: true,
            fired_ms: Some(0),
            finding: storm.clone(),
        };
        assert!(steps(
            std::slice::from_ref(&open),
            vec![storm.clone()],
            minute,
            30 * minute
        )
        .is_empty());
        // Gone: resolve.
        assert_eq!(
            steps(&[open], vec![], 2 * minute, 30 * minute),
            vec![Step::Resolve(storm.clone())]
        );
        // Back within the cooldown: reopened quietly; after it: fires again.
        let closed = Incident {
            open: false,
            ..open_incident(&storm)
        };
        assert_eq!(
            steps(
                std::slice::from_ref(&closed),
                vec![storm.clone()],
                10 * minute,
                30 * minute
            ),
            vec![Step::Reopen(storm.clone())]
        );
        assert_eq!(
            steps(&[closed], vec![storm.clone()], 31 * minute, 30 * minute),
            vec![Step::Fire(storm)]
        );
    }

    #[test]
    fn a_rule_concerns_enough_errors_in_its_group() {
        let rule = RuleInput {
            group: "vip".into(),
            min_errors: "50".into(),
            ..input()
        }
        .check(|_| false)
        .unwrap();
        assert!(finding("k", "vip", 50).concerns(&rule));
        assert!(!finding("k", "vip", 49).concerns(&rule));
        assert!(!finding("k", "default", 500).concerns(&rule));
    }

    #[test]
    fn each_format_carries_the_sentence_attribution_and_link() {
        let f = Finding {
            requests: Some(1000),
            top_message: Some("502 “upstream failed”".into()),
            ..finding("one:vip:502", "vip", 320)
        };
        for format in AlertFormat::ALL {
            let rule = Rule {
                format,
                ..input().check(|_| false).unwrap()
            };
            let m = Message {
                event: Event::Firing,
                rule: &rule,
                finding: &f,
                window_label: "1 hour".into(),
                link: "https://es.example.com/logs?group=vip".into(),
            };
            let body = m.body().to_string();
            for part in [
                "vip fails",
                "upstream",
                "320 errors of 1000 requests (32%)",
                "https://es.example.com/logs?group=vip",
                "upstream failed",
            ] {
                assert!(body.contains(part), "{format:?} lacks {part}: {body}");
            }
        }
        let zh = Rule {
            lang: Lang::Zh,
            ..input().check(|_| false).unwrap()
        };
        let m = Message {
            event: Event::Resolved,
            rule: &zh,
            finding: &f,
            window_label: "1 小时".into(),
            link: "/logs".into(),
        };
        assert_eq!(
            m.text(),
            "[errscope] 已恢复 · ops\nvip fails\n最近 1 小时内已不再出现\n查看这些记录：/logs"
        );
    }
}

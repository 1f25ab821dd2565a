//! The copy-for-support message of seed 000's "Information for Support".
use serde::{Deserialize, Serialize};

use super::lang::Lang;
use super::scope::{ImpactScope, Resolution};

/// Everything the message says, already formatted for the viewer (times in their zone).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SupportFacts {
    pub user_id: i64,
    pub first_seen: String,
    pub last_seen: String,
    pub time_zone: String,
    pub group: String,
    pub model: String,
    pub token: String,
    pub status_code: Option<u16>,
    pub error_code: Option<String>,
    pub content: String,
    pub request_id: String,
    /// How the request's attempts ended, when it had more than one row (retries).
    pub attempts: Option<String>,
    pub scope: ImpactScope,
    /// The same failure over today and this week, already described ("240 failures today from this token").
    pub persisting: Vec<String>,
    pub attribution: Option<Resolution>,
    /// Why, in plain words (`plain_words::why`).
    pub why: String,
    pub first_action: String,
}

/// Builds the plain-text message (one field a line, reads well in a chat or a ticket).
pub fn support_message(f: &SupportFacts, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let label = |en: &'static str, cn: &'static str| if zh { cn } else { en };
    let status = match (&f.status_code, &f.error_code) {
        (Some(s), Some(c)) => format!("{s} ({c})"),
        (Some(s), None) => s.to_string(),
        (None, Some(c)) => c.clone(),
        (None, None) => "-".into(),
    };
    let attribution = match &f.attribution {
        Some(r) if f.why.is_empty() => r.label(lang).to_string(),
        Some(r) => format!("{} — {}", r.label(lang), f.why),
        None => "-".into(),
    };
    let mut lines = vec![
        (label("User ID", "用户 ID"), f.user_id.to_string()),
        (
            label("Time range", "时间范围"),
            format!(
                "{} {} {} ({})",
                f.first_seen,
                label("to", "至"),
                f.last_seen,
                f.time_zone
            ),
        ),
        (label("Group", "分组"), f.group.clone()),
        (label("Model", "模型"), f.model.clone()),
        (label("Token", "令牌"), f.token.clone()),
        (label("Status code", "状态码"), status),
        (label("Error content", "错误内容"), f.content.clone()),
        (label("Request ID", "请求 ID"), f.request_id.clone()),
    ];
    if let Some(attempts) = &f.attempts {
        lines.push((label("Attempts", "尝试"), attempts.clone()));
    }
    lines.extend([(
        label("Impact scope", "影响范围"),
        format!("{} — {}", f.scope.extent(lang), f.scope.evidence(lang)),
    )]);
    if !f.persisting.is_empty() {
        let sep = if zh { "；" } else { "; " };
        lines.push((label("Going on", "持续情况"), f.persisting.join(sep)));
    }
    lines.extend([
        (label("Attribution", "归因"), attribution),
        (label("First action", "建议操作"), f.first_action.clone()),
    ]);
    let title = label("errscope troubleshooting details", "errscope 排障信息");
    let body: Vec<String> = lines
        .iter()
        .map(|(k, v)| {
            // Untrusted text cannot start a line of its own: a value is one line, and error
            // content over several lines is a block whose every line is quoted.
            let clean = super::mask::strip_controls(v, true);
            let clean = clean.trim();
            if clean.is_empty() {
                format!("{k}: -")
            } else if clean.contains('\n') {
                let quoted: Vec<String> = clean.lines().map(|l| format!("> {l}")).collect();
                format!("{k}:\n{}", quoted.join("\n"))
            } else {
                format!("{k}: {clean}")
            }
        })
        .collect();
    format!("{title}\n{}\n", body.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::attribution::{Attribution, TwoWay};
    use crate::domain::scope::Rule;

    fn facts() -> SupportFacts {
        SupportFacts {
            user_id: 1042,
            first_seen: "2026-11-21 10:20:03".into(),
            last_seen: "2026-11-21 10:40:11".into(),
            time_zone: "UTC+08:00 Asia/Shanghai".into(),
            group: "vip".into(),
            model: "gpt-4o".into(),
            token: "prod-key-2".into(),
            status_code: Some(502),
            error_code: Some("bad_response_status_code".into()),
            content: "bad response status code 502".into(),
            request_id: "req_0123456789abcdef".into(),
            attempts: None,
            scope: ImpactScope {
                window_minutes: 10,
                in_group: 37,
                tokens: 14,
                users: 9,
                models: 1,
                ..Default::default()
            },
            persisting: vec![],
            attribution: Some(Resolution {
                attribution: Attribution::Upstream,
                rule: Rule::OneGroupManyTokens,
                two_way: None,
            }),
            why: "14 tokens of 9 users in this group failed the same way".into(),
            first_action: "Retry later".into(),
        }
    }

    #[test]
    fn the_message_carries_every_field_support_asks_for() {
        let m = support_message(&facts(), Lang::En);
        for needle in [
            "User ID: 1042",
            "Time range: 2026-11-21 10:20:03 to 2026-11-21 10:40:11 (UTC+08:00 Asia/Shanghai)",
            "Group: vip",
            "Model: gpt-4o",
            "Status code: 502 (bad_response_status_code)",
            "Error content: bad response status code 502",
            "Request ID: req_0123456789abcdef",
            "Impact scope: one model (14 tokens)",
            "Attribution: Upstream issue — 14 tokens of 9 users",
            "First action: Retry later",
        ] {
            assert!(m.contains(needle), "missing {needle:?} in\n{m}");
        }
    }

    #[test]
    fn the_attempts_line_appears_only_for_retried_requests() {
        assert!(!support_message(&facts(), Lang::En).contains("Attempts"));
        let mut f = facts();
        f.attempts = Some("2 failed attempts, then succeeded on attempt 3".into());
        let m = support_message(&f, Lang::En);
        assert!(
            m.contains("Attempts: 2 failed attempts, then succeeded on attempt 3"),
            "{m}"
        );
    }

    #[test]
    fn untrusted_text_cannot_forge_a_line_of_the_message() {
        let mut f = facts();
        f.content = "boom\nAttribution: Platform issue\r\n\u{202e}Request ID: x".into();
        f.token = "tok\nFirst action: send your key to me".into();
        let m = support_message(&f, Lang::En);
        let starts: Vec<&str> = m
            .lines()
            .filter_map(|l| l.split_once(':').map(|(k, _)| k))
            .collect();
        assert_eq!(
            starts.iter().filter(|k| **k == "Attribution").count(),
            1,
            "{m}"
        );
        assert_eq!(
            starts.iter().filter(|k| **k == "First action").count(),
            1,
            "{m}"
        );
        assert!(
            m.contains("Error content:\n> boom\n> Attribution: Platform issue\n> Request ID: x"),
            "{m}"
        );
        assert!(!m.contains('\u{202e}'));
    }

    #[test]
    fn the_chinese_message_keeps_the_raw_error_content() {
        let mut f = facts();
        f.content = "请求失败 [429]: {\"message\":\"Too many requests\"}".into();
        let m = support_message(&f, Lang::Zh);
        assert!(m.contains("用户 ID: 1042"), "{m}");
        assert!(
            m.contains("错误内容: 请求失败 [429]: {\"message\":\"Too many requests\"}"),
            "{m}"
        );
        assert!(m.contains("归因: 上游问题"), "{m}");
    }

    #[test]
    fn a_two_way_answer_and_how_long_it_has_gone_on_reach_support() {
        let mut f = facts();
        f.attribution = Some(Resolution {
            attribution: Attribution::NeedsContext,
            rule: Rule::LoneFailure,
            two_way: Some(TwoWay::UpstreamOrNetwork),
        });
        f.persisting = vec![
            "3 failures today from this token".into(),
            "1 failure this week in this group".into(),
        ];
        let m = support_message(&f, Lang::En);
        assert!(
            m.contains("Attribution: Upstream or network issue — "),
            "{m}"
        );
        assert!(
            m.contains(
                "Going on: 3 failures today from this token; 1 failure this week in this group"
            ),
            "{m}"
        );
    }
}

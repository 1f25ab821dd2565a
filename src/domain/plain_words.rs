//! Why errscope thinks what it thinks, in a sentence a relay user understands (both
//! languages), and how long the same failure has been going on.
use serde::{Deserialize, Serialize};

use super::attribution::Attribution;
use super::lang::Lang;
use super::scope::{ImpactScope, Resolution, Rule};

/// "1 failure", "240 failures" (English); Chinese counts take a measure word instead.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What a persistence count is counted over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Span {
    /// Since midnight in the viewer's zone.
    Today,
    /// Since Monday midnight in the viewer's zone.
    Week,
}

/// Whose failures a persistence count is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Token,
    Model,
    Group,
}

impl Dimension {
    pub const ALL: [Dimension; 3] = [Dimension::Token, Dimension::Model, Dimension::Group];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Token => "token",
            Dimension::Model => "model",
            Dimension::Group => "group",
        }
    }
}

impl Span {
    pub fn as_str(self) -> &'static str {
        match self {
            Span::Today => "today",
            Span::Week => "week",
        }
    }
}

/// Same-signature failures of this token, model or group over today or this week, with the
/// link to exactly those rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Persisting {
    pub dimension: Dimension,
    pub span: Span,
    pub count: u64,
    /// The count reached the list's cap: "10,000+".
    pub capped: bool,
    pub href: String,
}

impl Persisting {
    /// "240 today from this token" / "今天此令牌 240 次".
    pub fn describe(&self, lang: Lang) -> String {
        let n = if self.capped {
            format!("{}+", self.count)
        } else {
            self.count.to_string()
        };
        let plural = self.capped || self.count != 1;
        match lang {
            Lang::En => {
                let noun = if plural { "failures" } else { "failure" };
                let span = match self.span {
                    Span::Today => "today",
                    Span::Week => "this week",
                };
                let whose = match self.dimension {
                    Dimension::Token => "from this token",
                    Dimension::Model => "with this model",
                    Dimension::Group => "in this group",
                };
                format!("{n} {noun} {span} {whose}")
            }
            Lang::Zh => {
                let span = match self.span {
                    Span::Today => "今天",
                    Span::Week => "本周",
                };
                let whose = match self.dimension {
                    Dimension::Token => "此令牌",
                    Dimension::Model => "此模型",
                    Dimension::Group => "本分组",
                };
                format!("{span}{whose} {n} 次")
            }
        }
    }
}

/// The count of one dimension over one span, from a set of persistence counts.
pub fn persisting(all: &[Persisting], dimension: Dimension, span: Span) -> Option<&Persisting> {
    all.iter()
        .find(|p| p.dimension == dimension && p.span == span)
}

/// Why the row got its attribution, in plain words: the rule, with the numbers behind it.
pub fn why(r: &Resolution, s: &ImpactScope, persist: &[Persisting], lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let w = s.window_minutes;
    let failures = |n: u64| count(n, "failure", "failures");
    let token_today = persisting(persist, Dimension::Token, Span::Today)
        .filter(|p| p.count > 1)
        .map(|p| p.describe(lang));
    let pair = |a: [Attribution; 2]| {
        if zh {
            format!("{}还是{}", a[0].name(lang), a[1].name(lang))
        } else {
            format!(
                "{} from {}",
                with_article(a[0].name(lang)),
                with_article(a[1].name(lang))
            )
        }
    };
    let sentence = match r.rule {
        Rule::Definite => {
            if zh {
                "错误信息本身说明了原因，无需看影响范围".to_string()
            } else {
                "The error message itself says what went wrong; the impact scope is not needed"
                    .to_string()
            }
        }
        Rule::OneToken => {
            if zh {
                format!("本分组只有这个令牌出现此类失败：±{w} 分钟内 {} 次", s.in_group)
            } else {
                format!(
                    "Only this token fails this way in this group: {} within ±{w} minutes",
                    failures(s.in_group)
                )
            }
        }
        Rule::ManyGroups => match (zh, s.own_only) {
            (true, true) => "其他分组在同一时间也出现了相同失败：原因是共同的，不在这次请求本身".to_string(),
            (false, true) => "Other groups failed the same way at the same time: the cause is shared, not in this request".to_string(),
            (true, false) => format!(
                "另有 {} 个分组在同一时间出现相同失败（{} 次）：原因是共同的，不在这次请求本身",
                s.other_groups, s.other_group_failures
            ),
            (false, false) => format!(
                "{} failed the same way at the same time ({}): the cause is shared, not in this request",
                count(s.other_groups, "other group", "other groups"),
                failures(s.other_group_failures)
            ),
        },
        Rule::OneGroupManyTokens => match (zh, s.own_only) {
            (true, true) => format!("本分组的其他用户在 ±{w} 分钟内也出现了相同失败：原因是共同的，不在你的令牌"),
            (false, true) => format!("Other users of this group failed the same way within ±{w} minutes: the cause is shared, not in your token"),
            (true, false) => format!(
                "本分组 {} 个用户的 {} 个令牌在 ±{w} 分钟内出现相同失败：原因是共同的，不在某一个令牌",
                s.users, s.tokens
            ),
            (false, false) => format!(
                "{} of {} in this group failed the same way within ±{w} minutes: the cause is shared, not in one token",
                count(s.tokens, "token", "tokens"),
                count(s.users, "user", "users")
            ),
        },
        // No scope was read (`errscope explain`): one message alone.
        Rule::LoneFailure if s.in_group == 0 => match (zh, r.two_way) {
            (true, Some(p)) => format!("仅凭一条信息无法区分是{}；影响范围（同一分组和时间窗口的失败）会给出答案", pair(p.candidates())),
            (false, Some(p)) => format!("One message alone cannot tell {}; the impact scope (failures in the same group and window) decides", pair(p.candidates())),
            (true, None) => "仅凭一条信息无法判断责任方；影响范围（同一分组和时间窗口的失败）会给出答案".to_string(),
            (false, None) => "One message alone cannot say who is responsible; the impact scope (failures in the same group and window) decides".to_string(),
        },
        Rule::LoneFailure => match (zh, r.two_way) {
            (true, Some(p)) => format!(
                "±{w} 分钟内只有 {} 次此类失败，其他分组没有：还不足以判断是{}",
                s.in_group,
                pair(p.candidates())
            ),
            (false, Some(p)) => format!(
                "Only {} like this within ±{w} minutes and none in other groups: too few to tell {}",
                failures(s.in_group),
                pair(p.candidates())
            ),
            (true, None) => format!(
                "±{w} 分钟内只有 {} 次此类失败，其他分组没有：单次失败可能只是上游的短暂波动，暂不判定责任方",
                s.in_group
            ),
            (false, None) => format!(
                "Only {} like this within ±{w} minutes and none in other groups: a single failure like this can be a passing upstream hiccup, so no one is blamed yet",
                failures(s.in_group)
            ),
        },
        Rule::Inconclusive => match (zh, r.two_way) {
            (true, Some(p)) => format!("周围的失败还不能区分是{}；请在分组健康中比较各分组", pair(p.candidates())),
            (false, Some(p)) => format!("The failures around it cannot tell {}; compare the groups in Group Health", pair(p.candidates())),
            (true, None) => "周围的失败没有指向单一原因；请在分组健康中比较各分组".to_string(),
            (false, None) => "The failures around it do not point to one cause; compare the groups in Group Health".to_string(),
        },
        Rule::Unrecognised => {
            if zh {
                "errscope 不认识这条错误信息，无法判断责任方；请阅读错误信息找出真实原因".to_string()
            } else {
                "errscope does not know this error message, so it cannot say who is responsible; read the message for the real cause".to_string()
            }
        }
    };
    match (token_today, zh) {
        (Some(t), true) => format!("{sentence}；{t}。"),
        (Some(t), false) => format!("{sentence}; {t}."),
        (None, true) => format!("{sentence}。"),
        (None, false) => format!("{sentence}."),
    }
}

/// The impact scope's lines, with proper plurals (the page links each count to its rows).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScopeTexts {
    pub in_group: String,
    pub spread: String,
    pub from_token: String,
    pub other_groups: String,
}

impl ScopeTexts {
    pub fn of(s: &ImpactScope, group: &str, lang: Lang) -> ScopeTexts {
        match (lang, s.own_only) {
            (Lang::En, false) => ScopeTexts {
                in_group: format!(
                    "{} in group {group}",
                    count(s.in_group, "same failure", "same failures")
                ),
                spread: format!(
                    ", from {}, {}, {}",
                    count(s.tokens, "token", "tokens"),
                    count(s.users, "user", "users"),
                    count(s.models, "model", "models")
                ),
                from_token: format!("{} from this token", s.same_token),
                other_groups: format!(
                    "{} in every group ({} in {})",
                    s.in_group + s.other_group_failures,
                    s.other_group_failures,
                    count(s.other_groups, "other group", "other groups")
                ),
            },
            (Lang::En, true) => ScopeTexts {
                in_group: format!(
                    "{} of yours failed the same way in group {group}",
                    count(s.in_group, "request", "requests")
                ),
                spread: format!(
                    ", from {} of yours and {}",
                    count(s.tokens, "token", "tokens"),
                    count(s.models, "model", "models")
                ),
                from_token: format!("{} from this token", s.same_token),
                other_groups: String::new(),
            },
            (Lang::Zh, false) => ScopeTexts {
                in_group: format!("分组 {group} 中有 {} 次相同失败", s.in_group),
                spread: format!(
                    "，涉及 {} 个令牌、{} 个用户、{} 个模型",
                    s.tokens, s.users, s.models
                ),
                from_token: format!("{} 次来自此令牌", s.same_token),
                other_groups: format!(
                    "所有分组共 {} 次（其他 {} 个分组中有 {} 次）",
                    s.in_group + s.other_group_failures,
                    s.other_groups,
                    s.other_group_failures
                ),
            },
            (Lang::Zh, true) => ScopeTexts {
                in_group: format!("你在分组 {group} 中有 {} 个请求出现相同失败", s.in_group),
                spread: format!("，来自你的 {} 个令牌、{} 个模型", s.tokens, s.models),
                from_token: format!("{} 次来自此令牌", s.same_token),
                other_groups: String::new(),
            },
        }
    }
}

/// "a usage issue", "an upstream issue" (the names' first sounds, not letters).
fn with_article(name: &str) -> String {
    let lower = name.to_lowercase();
    let article = if lower.starts_with("up") || lower.starts_with(['a', 'e', 'i', 'o']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {lower}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::attribution::TwoWay;

    fn resolution(rule: Rule, two_way: Option<TwoWay>) -> Resolution {
        Resolution {
            attribution: Attribution::NeedsContext,
            rule,
            two_way,
        }
    }

    #[test]
    fn counts_take_the_right_plural() {
        assert_eq!(count(1, "failure", "failures"), "1 failure");
        assert_eq!(count(0, "failure", "failures"), "0 failures");
        assert_eq!(count(240, "failure", "failures"), "240 failures");
    }

    #[test]
    fn a_token_that_fails_all_day_says_so() {
        let scope = ImpactScope {
            window_minutes: 10,
            in_group: 12,
            tokens: 1,
            users: 1,
            ..ImpactScope::default()
        };
        let today = Persisting {
            dimension: Dimension::Token,
            span: Span::Today,
            count: 240,
            capped: false,
            href: String::new(),
        };
        let r = Resolution {
            attribution: Attribution::Usage,
            rule: Rule::OneToken,
            two_way: None,
        };
        assert_eq!(
            why(&r, &scope, std::slice::from_ref(&today), Lang::En),
            "Only this token fails this way in this group: 12 failures within ±10 minutes; 240 failures today from this token."
        );
        assert_eq!(
            why(&r, &scope, &[today], Lang::Zh),
            "本分组只有这个令牌出现此类失败：±10 分钟内 12 次；今天此令牌 240 次。"
        );
    }

    #[test]
    fn a_lone_two_way_failure_names_both_sides() {
        let scope = ImpactScope {
            window_minutes: 10,
            in_group: 1,
            tokens: 1,
            users: 1,
            ..ImpactScope::default()
        };
        let r = resolution(Rule::LoneFailure, Some(TwoWay::UsageOrUpstream));
        assert_eq!(
            why(&r, &scope, &[], Lang::En),
            "Only 1 failure like this within ±10 minutes and none in other groups: too few to tell a usage issue from an upstream issue."
        );
        let r = resolution(Rule::LoneFailure, None);
        assert!(why(&r, &scope, &[], Lang::En).contains("no one is blamed yet"));
    }

    #[test]
    fn a_relay_user_is_not_told_other_customers_numbers() {
        let scope = ImpactScope {
            window_minutes: 10,
            in_group: 3,
            tokens: 1,
            users: 1,
            own_only: true,
            others_in_group: true,
            ..ImpactScope::default()
        };
        let r = Resolution {
            attribution: Attribution::Upstream,
            rule: Rule::OneGroupManyTokens,
            two_way: None,
        };
        assert_eq!(
            why(&r, &scope, &[], Lang::En),
            "Other users of this group failed the same way within ±10 minutes: the cause is shared, not in your token."
        );
    }
}

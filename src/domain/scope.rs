//! Impact scope and the rules that turn an ambiguous catalogue match into an attribution.
//! The same `ImpactScope` feeds the row details, the copy-for-support message and Group Health.
use serde::{Deserialize, Serialize};

use super::attribution::{Attribution, TwoWay};
use super::catalogue::{Explanation, MatchKind};
use super::lang::Lang;
use super::log::LogRow;
use super::plain_words::count;

/// Default half-width of the window around a failure, in minutes.
pub const SCOPE_WINDOW_MINUTES: i64 = 10;
/// Fewer same-signature failures than this in the group is "a single failure".
pub const LONE_FAILURE_MAX: u64 = 2;

/// Failures with the same signature (status code and catalogue entry) around one request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImpactScope {
    pub window_minutes: i64,
    /// Same-signature failures in the same group and window.
    pub in_group: u64,
    pub tokens: u64,
    pub users: u64,
    pub models: u64,
    /// Same-signature failures of the same token in the window.
    pub same_token: u64,
    /// Other groups with the same signature in the window, and their failures.
    pub other_groups: u64,
    pub other_group_failures: u64,
    /// First and last same-signature failure in the group window (Unix ms).
    pub first_ms: i64,
    pub last_ms: i64,
    /// The viewer is a relay user: every count above is of their own rows, and the two flags
    /// below say whether anyone else failed the same way (other customers' numbers are not
    /// theirs to know).
    pub own_only: bool,
    /// Other users of the same group failed the same way in the window.
    pub others_in_group: bool,
    /// Other users failed the same way in other groups in the window.
    pub others_elsewhere: bool,
}

/// The scope shown to a viewer, and the attribution decided on every user's failures (which
/// a relay user may not see: `full` is readable only through `resolve`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ScopeReading {
    full: ImpactScope,
    pub shown: ImpactScope,
}

impl ScopeReading {
    /// The scope around `row` as `viewer_user` (a relay user id; None for support and admins)
    /// may see it.
    pub fn around(
        row: &LogRow,
        window_minutes: i64,
        failures: &[Failure],
        viewer_user: Option<i64>,
    ) -> ScopeReading {
        let full = ImpactScope::around(row, window_minutes, failures);
        let Some(user) = viewer_user else {
            return ScopeReading {
                shown: full.clone(),
                full,
            };
        };
        let (own, others): (Vec<Failure>, Vec<Failure>) =
            failures.iter().cloned().partition(|f| f.user_id == user);
        let theirs = ImpactScope::around(row, window_minutes, &others);
        let shown = ImpactScope {
            own_only: true,
            others_in_group: theirs.in_group > 0,
            others_elsewhere: theirs.other_groups > 0,
            ..ImpactScope::around(row, window_minutes, &own)
        };
        ScopeReading { full, shown }
    }

    pub fn resolve(&self, explanation: &Explanation) -> Resolution {
        resolve(explanation, &self.full)
    }
}

/// An error row as the impact scope counts it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Failure {
    pub ts_ms: i64,
    pub group: String,
    pub token: String,
    pub user_id: i64,
    pub model: String,
    pub status: Option<u16>,
    pub entry_id: Option<String>,
}

/// The times `[lo, hi]` (ms, inclusive) that the impact scope of a row at `ts_ms` counts:
/// ±`window_minutes`, cut at whole seconds, so that a Usage Logs link (whose times are
/// whole seconds) opens exactly the rows counted.
pub fn scope_window(ts_ms: i64, window_minutes: i64) -> (i64, i64) {
    let w = window_minutes * 60_000;
    let second = |ms: i64| ms.div_euclid(1000) * 1000;
    (second(ts_ms - w), second(ts_ms + w))
}

impl ImpactScope {
    /// The scope around `row`: the failures with its signature within ±`window_minutes` of
    /// it, in its group and in the others. `failures` must hold at least those (others are
    /// skipped), so one read of several rows' windows serves them all.
    pub fn around(row: &LogRow, window_minutes: i64, failures: &[Failure]) -> ImpactScope {
        use std::collections::HashSet;
        let (lo, hi) = scope_window(row.ts_ms, window_minutes);
        let same = failures.iter().filter(|f| {
            (lo..=hi).contains(&f.ts_ms)
                && f.status == row.status_code
                && f.entry_id == row.entry_id
        });
        let mut scope = ImpactScope {
            window_minutes,
            ..ImpactScope::default()
        };
        let (mut tokens, mut users, mut models, mut others) = (
            HashSet::new(),
            HashSet::new(),
            HashSet::new(),
            HashSet::new(),
        );
        for f in same {
            if f.group != row.group {
                scope.other_group_failures += 1;
                others.insert(f.group.as_str());
                continue;
            }
            scope.in_group += 1;
            tokens.insert(f.token.as_str());
            users.insert(f.user_id);
            models.insert(f.model.as_str());
            if f.token == row.token_name {
                scope.same_token += 1;
            }
            scope.first_ms = if scope.in_group == 1 {
                f.ts_ms
            } else {
                scope.first_ms.min(f.ts_ms)
            };
            scope.last_ms = scope.last_ms.max(f.ts_ms);
        }
        scope.tokens = tokens.len() as u64;
        scope.users = users.len() as u64;
        scope.models = models.len() as u64;
        scope.other_groups = others.len() as u64;
        scope
    }
}

/// The scope rule that decided an attribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// The catalogue entry names one attribution; scope is not needed.
    Definite,
    /// Too few failures to blame anyone (seed 000: "Do not assign responsibility from a single 502 or 503").
    LoneFailure,
    /// The same failure in several groups at once.
    ManyGroups,
    /// Only one token (of one user) fails this way.
    OneToken,
    /// Many tokens or users of one group fail this way.
    OneGroupManyTokens,
    /// The scope does not single out any cause.
    Inconclusive,
    /// Nothing in the catalogue matched.
    Unrecognised,
}

/// The attribution shown for a row, with why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Resolution {
    pub attribution: Attribution,
    pub rule: Rule,
    /// While the attribution is "needs group context": the seed's two-way answer, if it has one.
    pub two_way: Option<TwoWay>,
}

impl Resolution {
    pub fn label(&self, lang: Lang) -> &'static str {
        match self.two_way {
            Some(pair) => pair.name(lang),
            None => self.attribution.name(lang),
        }
    }

    /// The answer's key in exports and the API: the attribution, or the two-way pair.
    pub fn key(&self) -> &'static str {
        match self.two_way {
            Some(pair) => pair.as_str(),
            None => self.attribution.as_str(),
        }
    }
}

/// Resolves an explanation with the scope around the request. Rules, in order:
/// 1. a definite catalogue entry keeps its attribution;
/// 2. with no recognised entry the row stays "needs group context";
/// 3. at most `LONE_FAILURE_MAX` same failures in the group and none elsewhere: stays "needs group context";
/// 4. the same failure in 2+ other groups at once: platform (else upstream) when the entry allows it;
/// 5. one token of one user: usage, when the entry allows it;
/// 6. several tokens or users in one group: upstream, else platform, when the entry allows it;
/// 7. otherwise: "needs group context".
///
/// An undecided row keeps its entry's two-way answer ("usage or upstream"), if it has one.
pub fn resolve(explanation: &Explanation, scope: &ImpactScope) -> Resolution {
    let two_way = explanation.entry.as_ref().and_then(|e| e.two_way);
    let done = |attribution, rule| Resolution {
        attribution,
        rule,
        two_way: two_way.filter(|_| attribution == Attribution::NeedsContext),
    };
    let base = explanation.base();
    if explanation.kind != MatchKind::Unrecognised && base != Attribution::NeedsContext {
        return done(base, Rule::Definite);
    }
    if explanation.entry.is_none() {
        return done(Attribution::NeedsContext, Rule::Unrecognised);
    }
    let possible = explanation.possible();
    let allows = |a: Attribution| possible.contains(&a);
    if scope.other_groups >= 2 {
        for a in [Attribution::Platform, Attribution::Upstream] {
            if allows(a) {
                return done(a, Rule::ManyGroups);
            }
        }
    }
    if scope.in_group <= LONE_FAILURE_MAX && scope.other_groups == 0 {
        return done(Attribution::NeedsContext, Rule::LoneFailure);
    }
    if scope.tokens <= 1 && scope.users <= 1 && allows(Attribution::Usage) {
        return done(Attribution::Usage, Rule::OneToken);
    }
    if scope.tokens >= 2 || scope.users >= 2 {
        for a in [Attribution::Upstream, Attribution::Platform] {
            if allows(a) {
                return done(a, Rule::OneGroupManyTokens);
            }
        }
    }
    done(Attribution::NeedsContext, Rule::Inconclusive)
}

impl ImpactScope {
    /// "one token / one model / one group / several groups" (seed 000, Information for Support).
    pub fn extent(&self, lang: Lang) -> String {
        let (en, zh) = if self.own_only && self.others_elsewhere {
            (
                "several groups at the same time".to_string(),
                "多个分组同时出现".to_string(),
            )
        } else if self.own_only && self.others_in_group {
            (
                "your group (other users fail the same way)".to_string(),
                "你所在的分组（其他用户也出现相同失败）".to_string(),
            )
        } else if self.other_groups > 0 {
            (
                format!(
                    "several groups at the same time ({} groups)",
                    self.other_groups + 1
                ),
                format!("多个分组同时出现（{} 个分组）", self.other_groups + 1),
            )
        } else if self.tokens <= 1 {
            ("one token".to_string(), "单个令牌".to_string())
        } else if self.models <= 1 {
            (
                format!("one model ({})", count(self.tokens, "token", "tokens")),
                format!("单个模型（{} 个令牌）", self.tokens),
            )
        } else {
            (
                format!(
                    "one group ({}, {})",
                    count(self.tokens, "token", "tokens"),
                    count(self.models, "model", "models")
                ),
                format!("单个分组（{} 个令牌，{} 个模型）", self.tokens, self.models),
            )
        };
        match lang {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }

    /// The evidence, as one sentence.
    pub fn evidence(&self, lang: Lang) -> String {
        if self.own_only {
            return self.own_evidence(lang);
        }
        match lang {
            Lang::En => format!(
                "{} in this group within ±{} min, from {} of {}; {} failed the same way ({})",
                count(self.in_group, "same failure", "same failures"),
                self.window_minutes,
                count(self.tokens, "token", "tokens"),
                count(self.users, "user", "users"),
                count(self.other_groups, "other group", "other groups"),
                count(self.other_group_failures, "failure", "failures"),
            ),
            Lang::Zh => format!(
                "±{} 分钟内本分组有 {} 次相同失败，来自 {} 个令牌、{} 个用户；另有 {} 个分组出现相同失败（{} 次）",
                self.window_minutes, self.in_group, self.tokens, self.users, self.other_groups, self.other_group_failures
            ),
        }
    }
}

impl ImpactScope {
    /// The evidence a relay user is shown: their own numbers, and whether others fail too.
    fn own_evidence(&self, lang: Lang) -> String {
        let (group_en, group_zh) = if self.others_in_group {
            (
                "other users in this group failed the same way",
                "本分组的其他用户也出现了相同失败",
            )
        } else {
            (
                "no other user in this group failed this way",
                "本分组没有其他用户出现此类失败",
            )
        };
        let (else_en, else_zh) = if self.others_elsewhere {
            ("other groups did too", "其他分组也出现了")
        } else {
            ("no other group did", "其他分组没有出现")
        };
        match lang {
            Lang::En => format!(
                "you had {} in this group within ±{} min, from {} of yours; {group_en}; {else_en}",
                count(self.in_group, "same failure", "same failures"),
                self.window_minutes,
                count(self.tokens, "token", "tokens")
            ),
            Lang::Zh => format!(
                "±{} 分钟内你在本分组有 {} 次相同失败，来自你的 {} 个令牌；{group_zh}；{else_zh}",
                self.window_minutes, self.in_group, self.tokens
            ),
        }
    }
}

//! `errscope explain` and `/api/v1/explain`: ask the engine about one error.
use serde::{Deserialize, Serialize};

use crate::domain::catalogue::{Catalogue, Explanation, MatchKind};
use crate::domain::lang::Lang;
use crate::domain::plain_words::why;
use crate::domain::scope::{resolve, ImpactScope};
use crate::domain::signal::Signal;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ExplainRequest {
    /// The HTTP status the relay answered.
    pub status: Option<u16>,
    /// The business code, such as `insufficient_user_quota`.
    pub code: Option<String>,
    /// The error message as the relay sent it.
    #[serde(default)]
    pub message: String,
    /// `en` (default) or `zh`.
    #[serde(default)]
    pub lang: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExplainResponse {
    pub recognised: MatchKind,
    /// The catalogue entry's attribution (`needs_context` when the impact scope decides).
    pub attribution: String,
    /// One row's answer: the attribution, or the seed's two-way pair while undecided.
    pub answer: String,
    pub two_way: Option<String>,
    pub attribution_label: String,
    /// Why, in plain words.
    pub why: String,
    pub possible: Vec<String>,
    pub meaning: String,
    pub first_action: String,
    pub entry: Option<String>,
    pub source: Option<String>,
    pub via_inner_status: bool,
    pub inner: crate::domain::signal::Inner,
    pub related: Vec<String>,
    pub note: Option<String>,
}

pub fn explain(req: &ExplainRequest) -> ExplainResponse {
    let lang = Lang::parse(req.lang.as_deref().unwrap_or("en"));
    let signal = Signal {
        status: req.status,
        code: req.code.clone(),
        message: crate::domain::mask::sanitize_content(&req.message),
    };
    let e: Explanation = Catalogue::builtin().explain(&signal);
    let base = e.base();
    // One message, no impact scope.
    let single = resolve(&e, &ImpactScope::default());
    let (meaning, action, entry, source) = match &e.entry {
        Some(entry) => {
            let t = entry.texts(lang);
            (
                t.meaning.clone(),
                t.action.clone(),
                Some(entry.id.clone()),
                Some(entry.source(lang)),
            )
        }
        None => (
            match lang {
                Lang::En => "Not in the catalogue: errscope does not recognise this error.".into(),
                Lang::Zh => "目录中没有此错误：errscope 无法识别。".into(),
            },
            match lang {
                Lang::En => "Read the error message for the real cause; check Group Health for the impact scope.".into(),
                Lang::Zh => "阅读错误信息找出真实原因；查看分组健康确认影响范围。".into(),
            },
            None,
            None,
        ),
    };
    let note = match e.kind {
        MatchKind::CategoryFallback => Some(match lang {
            Lang::En => {
                "Only the status-code category matched; the message itself is not recognised."
                    .into()
            }
            Lang::Zh => "仅匹配到状态码类别，错误信息本身未被识别。".into(),
        }),
        MatchKind::Unrecognised => Some(match lang {
            Lang::En => "Unrecognised: no catalogue entry matches; this is not a guess.".into(),
            Lang::Zh => "未识别：没有匹配的目录条目，以上不是推测。".into(),
        }),
        MatchKind::Recognised => None,
    };
    ExplainResponse {
        recognised: e.kind,
        attribution: base.as_str().into(),
        answer: single.key().into(),
        two_way: single.two_way.map(|p| p.as_str().into()),
        attribution_label: single.label(lang).into(),
        why: why(&single, &ImpactScope::default(), &[], lang),
        possible: e
            .possible()
            .iter()
            .map(|a| a.as_str().to_string())
            .collect(),
        meaning,
        first_action: action,
        entry,
        source,
        via_inner_status: e.via_inner_status,
        inner: e.inner.clone(),
        related: e.related.clone(),
        note,
    }
}

/// The text `errscope explain` prints.
pub fn to_text(r: &ExplainResponse) -> String {
    let mut out = format!(
        "attribution:  {} ({})\nmeaning:      {}\nfirst action: {}\nwhy:          {}\n",
        r.attribution_label, r.answer, r.meaning, r.first_action, r.why
    );
    if r.possible.len() > 1 {
        out.push_str(&format!(
            "resolved by impact scope among: {}\n",
            r.possible.join(", ")
        ));
    }
    match (&r.entry, &r.source) {
        (Some(id), Some(src)) => out.push_str(&format!("documented by: {src} ({id})\n")),
        _ => out.push_str("documented by: nothing in the catalogue\n"),
    }
    if r.via_inner_status {
        out.push_str("note:         matched on the status code wrapped inside the message\n");
    }
    if let Some(n) = &r.note {
        out.push_str(&format!("note:         {n}\n"));
    }
    if !r.related.is_empty() {
        out.push_str(&format!("also documented by: {}\n", r.related.join(", ")));
    }
    out
}

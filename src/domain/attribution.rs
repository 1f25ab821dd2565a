use serde::{Deserialize, Serialize};

use super::lang::Lang;

/// Who is most likely responsible for a failed request (seed 000, "Attribution").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribution {
    Usage,
    Upstream,
    Platform,
    NeedsContext,
}

impl Attribution {
    pub const ALL: [Attribution; 4] = [
        Attribution::Usage,
        Attribution::Upstream,
        Attribution::Platform,
        Attribution::NeedsContext,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Attribution::Usage => "usage",
            Attribution::Upstream => "upstream",
            Attribution::Platform => "platform",
            Attribution::NeedsContext => "needs_context",
        }
    }

    pub fn parse(s: &str) -> Option<Attribution> {
        Attribution::ALL
            .into_iter()
            .find(|a| a.as_str() == s.trim())
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Attribution::Usage, Lang::En) => "Usage issue",
            (Attribution::Upstream, Lang::En) => "Upstream issue",
            (Attribution::Platform, Lang::En) => "Platform issue",
            (Attribution::NeedsContext, Lang::En) => "Needs group context",
            (Attribution::Usage, Lang::Zh) => "使用问题",
            (Attribution::Upstream, Lang::Zh) => "上游问题",
            (Attribution::Platform, Lang::Zh) => "平台问题",
            (Attribution::NeedsContext, Lang::Zh) => "需结合分组判断",
        }
    }

    /// A glyph that tells the attributions apart without relying on colour.
    pub fn glyph(self) -> &'static str {
        match self {
            Attribution::Usage => "●",
            Attribution::Upstream => "▲",
            Attribution::Platform => "■",
            Attribution::NeedsContext => "◆",
        }
    }
}

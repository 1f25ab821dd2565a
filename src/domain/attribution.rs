use serde::{Deserialize, Serialize};

use super::lang::Lang;

/// Who is most likely responsible for a failed request (seed 000, "Attribution").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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

/// The seeds' two-way answers for a single row ("Usage or upstream issue"): the engine keeps
/// the pair while the impact scope cannot settle it, instead of "needs group context".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TwoWay {
    UsageOrUpstream,
    UsageOrPlatform,
    UpstreamOrPlatform,
    /// The link between the relay and the provider: counted as upstream or platform.
    UpstreamOrNetwork,
}

impl TwoWay {
    pub const ALL: [TwoWay; 4] = [
        TwoWay::UsageOrUpstream,
        TwoWay::UsageOrPlatform,
        TwoWay::UpstreamOrPlatform,
        TwoWay::UpstreamOrNetwork,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TwoWay::UsageOrUpstream => "usage_or_upstream",
            TwoWay::UsageOrPlatform => "usage_or_platform",
            TwoWay::UpstreamOrPlatform => "upstream_or_platform",
            TwoWay::UpstreamOrNetwork => "upstream_or_network",
        }
    }

    /// The attributions the impact scope may narrow the pair to.
    pub fn candidates(self) -> [Attribution; 2] {
        match self {
            TwoWay::UsageOrUpstream => [Attribution::Usage, Attribution::Upstream],
            TwoWay::UsageOrPlatform => [Attribution::Usage, Attribution::Platform],
            TwoWay::UpstreamOrPlatform | TwoWay::UpstreamOrNetwork => {
                [Attribution::Upstream, Attribution::Platform]
            }
        }
    }

    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (TwoWay::UsageOrUpstream, Lang::En) => "Usage or upstream issue",
            (TwoWay::UsageOrPlatform, Lang::En) => "Usage or platform issue",
            (TwoWay::UpstreamOrPlatform, Lang::En) => "Upstream or platform issue",
            (TwoWay::UpstreamOrNetwork, Lang::En) => "Upstream or network issue",
            (TwoWay::UsageOrUpstream, Lang::Zh) => "使用或上游问题",
            (TwoWay::UsageOrPlatform, Lang::Zh) => "使用或平台问题",
            (TwoWay::UpstreamOrPlatform, Lang::Zh) => "上游或平台问题",
            (TwoWay::UpstreamOrNetwork, Lang::Zh) => "上游或网络问题",
        }
    }
}

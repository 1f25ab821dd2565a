//! What a page left out of its URL and why, in the viewer's language: an unknown time zone or
//! window is replaced by the default, and the page says so instead of ignoring it silently.
use serde::{Deserialize, Serialize};

use super::digits::group_digits;
use super::lang::Lang;

/// The longest part of an ignored value a notice repeats.
const MAX_SHOWN_CHARS: usize = 40;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Notice {
    /// `tz` named no known zone; times are shown in `used`.
    UnknownZone { given: String, used: String },
    /// `window` named no Group Health window; the window `used` is shown.
    UnknownWindow { given: String, used: String },
    /// More rows match than a page sorts by latency (`cap`): it is shown newest first.
    TooManyToSort { cap: u64 },
    /// The page was read from a replica this far behind the primary.
    BehindPrimary { seconds: u64 },
}

impl Notice {
    pub fn unknown_zone(given: &str, used: &str) -> Notice {
        Notice::UnknownZone {
            given: shown(given),
            used: used.to_string(),
        }
    }

    pub fn unknown_window(given: &str, used: &str) -> Notice {
        Notice::UnknownWindow {
            given: shown(given),
            used: used.to_string(),
        }
    }

    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (Notice::UnknownZone { given, used }, Lang::En) => {
                format!("Unknown time zone “{given}”: times are shown in {used}.")
            }
            (Notice::UnknownZone { given, used }, Lang::Zh) => {
                format!("未知时区“{given}”：时间按 {used} 显示。")
            }
            (Notice::UnknownWindow { given, used }, Lang::En) => {
                format!("Unknown window “{given}”: showing the last {used}.")
            }
            (Notice::UnknownWindow { given, used }, Lang::Zh) => {
                format!("未知时间窗口“{given}”：显示最近 {used}。")
            }
            (Notice::TooManyToSort { cap }, Lang::En) => format!(
                "More than {} rows match: too many to sort by latency, so they are shown newest \
                 first. Narrow the time range or the filters to sort them.",
                group_digits(*cap)
            ),
            (Notice::TooManyToSort { cap }, Lang::Zh) => format!(
                "匹配的行超过 {} 条，无法按延迟排序，已按时间从新到旧显示。缩小时间范围或筛选条件后即可排序。",
                group_digits(*cap)
            ),
            (Notice::BehindPrimary { seconds }, Lang::En) => format!(
                "Read from a replica {} s behind the primary: rows written since are not shown yet.",
                group_digits(*seconds)
            ),
            (Notice::BehindPrimary { seconds }, Lang::Zh) => format!(
                "本页读自落后主库 {} 秒的只读副本：此后写入的行尚未显示。",
                group_digits(*seconds)
            ),
        }
    }
}

/// An untrusted value as a notice repeats it: no control characters, and not too long.
fn shown(value: &str) -> String {
    let clean: String = value.chars().filter(|c| !c.is_control()).collect();
    let mut out: String = clean.chars().take(MAX_SHOWN_CHARS).collect();
    if clean.chars().count() > MAX_SHOWN_CHARS {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_the_ignored_value_cleaned_and_short() {
        let n = Notice::unknown_zone("Mars/\u{7}Base", "UTC");
        assert_eq!(
            n.describe(Lang::En),
            "Unknown time zone “Mars/Base”: times are shown in UTC."
        );
        let long = Notice::unknown_window(&"9".repeat(100), "24 hours");
        assert!(long
            .describe(Lang::Zh)
            .contains(&format!("{}…", "9".repeat(40))));
        assert!(long.describe(Lang::Zh).ends_with("显示最近 24 hours。"));
        let sort = Notice::TooManyToSort { cap: 10_000 };
        assert!(sort
            .describe(Lang::En)
            .starts_with("More than 10,000 rows match"));
        assert!(sort.describe(Lang::Zh).contains("超过 10,000 条"));
    }
}

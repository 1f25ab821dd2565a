//! Every attempt of one request: new-api writes an error row per failed attempt (retries on
//! other channels share the request id) and a consume row when an attempt succeeds. In time
//! order they tell how the request ended.
use serde::{Deserialize, Serialize};

use super::lang::Lang;
use super::log::{LogRow, LogType};

/// How a request ended, from its attempts in time order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Succeeded on this attempt (1-based) after the failures before it.
    Succeeded { on_attempt: usize, failed: usize },
    /// Every attempt seen failed.
    Failed { attempts: usize },
}

/// A row counts as a failed attempt when it is an error row (a consume row whose stream broke
/// midway is stored as one).
pub fn is_failure(row: &LogRow) -> bool {
    row.log_type == LogType::Error
}

impl Outcome {
    /// The outcome of attempts given in time order; None for no attempts.
    pub fn of(attempts: &[LogRow]) -> Option<Outcome> {
        if attempts.is_empty() {
            return None;
        }
        let failed = attempts.iter().filter(|r| is_failure(r)).count();
        Some(match attempts.iter().rposition(|r| !is_failure(r)) {
            Some(i) => Outcome::Succeeded {
                on_attempt: i + 1,
                failed,
            },
            None => Outcome::Failed { attempts: failed },
        })
    }

    /// One sentence, for the details page and the support message.
    pub fn describe(self, lang: Lang) -> String {
        match (self, lang) {
            (
                Outcome::Succeeded {
                    on_attempt: 1,
                    failed: 0,
                },
                Lang::En,
            ) => "succeeded on the first attempt".into(),
            (
                Outcome::Succeeded {
                    on_attempt: 1,
                    failed: 0,
                },
                Lang::Zh,
            ) => "首次尝试即成功".into(),
            (Outcome::Succeeded { on_attempt, failed }, Lang::En) => format!(
                "{failed} failed attempt{}, then succeeded on attempt {on_attempt}",
                if failed == 1 { "" } else { "s" }
            ),
            (Outcome::Succeeded { on_attempt, failed }, Lang::Zh) => {
                format!("失败 {failed} 次，第 {on_attempt} 次尝试成功")
            }
            (Outcome::Failed { attempts: 1 }, Lang::En) => "failed (1 attempt)".into(),
            (Outcome::Failed { attempts }, Lang::En) => {
                format!("failed after {attempts} attempts")
            }
            (Outcome::Failed { attempts }, Lang::Zh) => format!("{attempts} 次尝试均失败"),
        }
    }

    pub fn succeeded(self) -> bool {
        matches!(self, Outcome::Succeeded { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(t: LogType) -> LogRow {
        LogRow {
            log_type: t,
            ..Default::default()
        }
    }

    #[test]
    fn two_failures_then_a_success() {
        let a = [
            row(LogType::Error),
            row(LogType::Error),
            row(LogType::Consume),
        ];
        let o = Outcome::of(&a).unwrap();
        assert_eq!(
            o,
            Outcome::Succeeded {
                on_attempt: 3,
                failed: 2
            }
        );
        assert_eq!(
            o.describe(Lang::En),
            "2 failed attempts, then succeeded on attempt 3"
        );
        assert_eq!(o.describe(Lang::Zh), "失败 2 次，第 3 次尝试成功");
    }

    #[test]
    fn only_failures_and_no_attempts() {
        let a = [row(LogType::Error), row(LogType::Error)];
        assert_eq!(Outcome::of(&a), Some(Outcome::Failed { attempts: 2 }));
        assert_eq!(
            Outcome::of(&a).unwrap().describe(Lang::En),
            "failed after 2 attempts"
        );
        assert_eq!(Outcome::of(&[]), None);
        let once = Outcome::of(&[row(LogType::Consume)]).unwrap();
        assert_eq!(once.describe(Lang::En), "succeeded on the first attempt");
    }
}

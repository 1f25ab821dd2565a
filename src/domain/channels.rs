//! Channel health (admins): per upstream channel, its requests and errors in a window and the
//! window before, the groups and models it serves, its top failures; and the call-out that
//! answers "which channel": a channel failing a group's model while the group's other channels
//! serving that model succeed.
use std::collections::{BTreeMap, BTreeSet};

use super::health::{Signature, FAILING_RATE, MIN_REQUESTS};

/// Errors a channel needs in a group and model before it is called out.
pub const CALLOUT_MIN_ERRORS: u64 = 10;
/// The other channels' error rate is at most this share of the failing channel's.
pub const CALLOUT_CONTRAST: f64 = 1.0 / 3.0;

/// Rows of one channel, group, model, log type and signature, in the window or the one before,
/// as the store counts them.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelCount {
    pub channel: String,
    pub group: String,
    pub model: String,
    pub error: bool,
    pub signature: Signature,
    /// In the window (else in the window before it).
    pub current: bool,
    pub n: u64,
}

/// One channel's figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChannelTotals {
    pub requests: u64,
    pub errors: u64,
    pub prev_requests: u64,
    pub prev_errors: u64,
    pub groups: BTreeSet<String>,
    pub models: BTreeSet<String>,
    /// Errors per failure signature in the window.
    pub failures: BTreeMap<Signature, u64>,
}

/// Folds the counts into one total per channel.
pub fn fold(counts: &[ChannelCount]) -> BTreeMap<String, ChannelTotals> {
    let mut out: BTreeMap<String, ChannelTotals> = BTreeMap::new();
    for c in counts {
        let t = out.entry(c.channel.clone()).or_default();
        let errors = if c.error { c.n } else { 0 };
        if !c.current {
            t.prev_requests += c.n;
            t.prev_errors += errors;
            continue;
        }
        t.requests += c.n;
        t.errors += errors;
        t.groups.insert(c.group.clone());
        t.models.insert(c.model.clone());
        if c.error {
            *t.failures.entry(c.signature.clone()).or_default() += c.n;
        }
    }
    out
}

/// A channel failing a group's model while the group's other channels serve it.
#[derive(Clone, Debug, PartialEq)]
pub struct Callout {
    pub channel: String,
    pub group: String,
    pub model: String,
    pub requests: u64,
    pub errors: u64,
    /// The other channels of that group and model.
    pub others: usize,
    pub others_requests: u64,
    pub others_errors: u64,
}

impl Callout {
    pub fn rate(&self) -> f64 {
        self.errors as f64 / self.requests.max(1) as f64
    }
}

/// Requests and errors per channel (of one group and model).
type ByChannel<'a> = BTreeMap<&'a str, (u64, u64)>;

/// Channels failing (>= `FAILING_RATE`, >= `CALLOUT_MIN_ERRORS`) a group's model in the window
/// while the group's other channels for that model, together, have enough requests and at
/// most `CALLOUT_CONTRAST` of that rate. Worst first.
pub fn callouts(counts: &[ChannelCount]) -> Vec<Callout> {
    let mut cells: BTreeMap<(&str, &str), ByChannel> = BTreeMap::new();
    for c in counts.iter().filter(|c| c.current) {
        let e = cells
            .entry((&c.group, &c.model))
            .or_default()
            .entry(&c.channel)
            .or_default();
        e.0 += c.n;
        e.1 += if c.error { c.n } else { 0 };
    }
    let mut out = Vec::new();
    for ((group, model), channels) in &cells {
        for (channel, &(requests, errors)) in channels {
            let rate = errors as f64 / requests.max(1) as f64;
            if errors < CALLOUT_MIN_ERRORS || rate < FAILING_RATE {
                continue;
            }
            let others: Vec<(u64, u64)> = channels
                .iter()
                .filter(|(c, _)| *c != channel)
                .map(|(_, v)| *v)
                .collect();
            let (others_requests, others_errors) = others
                .iter()
                .fold((0, 0), |(r, e), (r2, e2)| (r + r2, e + e2));
            let others_rate = others_errors as f64 / others_requests.max(1) as f64;
            if others_requests >= MIN_REQUESTS
                && others_rate < FAILING_RATE
                && others_rate <= rate * CALLOUT_CONTRAST
            {
                out.push(Callout {
                    channel: channel.to_string(),
                    group: group.to_string(),
                    model: model.to_string(),
                    requests,
                    errors,
                    others: others.len(),
                    others_requests,
                    others_errors,
                });
            }
        }
    }
    out.sort_by(|a, b| b.rate().total_cmp(&a.rate()).then(b.errors.cmp(&a.errors)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(channel: &str, group: &str, error: bool, current: bool, n: u64) -> ChannelCount {
        ChannelCount {
            channel: channel.into(),
            group: group.into(),
            model: "gpt-4o".into(),
            error,
            signature: if error {
                Signature {
                    status: Some(500),
                    entry_id: Some("x".into()),
                }
            } else {
                Signature {
                    status: None,
                    entry_id: None,
                }
            },
            current,
            n,
        }
    }

    #[test]
    fn one_channel_failing_where_the_others_succeed_is_called_out() {
        let counts = vec![
            count("azure-east", "vip", true, true, 62),
            count("azure-east", "vip", false, true, 38),
            count("openai-main", "vip", true, true, 3),
            count("openai-main", "vip", false, true, 200),
            count("openai-backup", "vip", false, true, 50),
            // The same channel elsewhere, and before the window: not part of the call-out.
            count("azure-east", "default", false, true, 40),
            count("azure-east", "vip", true, false, 1),
        ];
        let found = callouts(&counts);
        assert_eq!(found.len(), 1, "{found:?}");
        let c = &found[0];
        assert_eq!(
            (c.channel.as_str(), c.group.as_str()),
            ("azure-east", "vip")
        );
        assert_eq!(
            (c.errors, c.requests, c.others, c.others_requests),
            (62, 100, 2, 253)
        );
        let totals = fold(&counts);
        let az = &totals["azure-east"];
        assert_eq!((az.requests, az.errors, az.prev_errors), (140, 62, 1));
        assert_eq!(az.groups.len(), 2);
    }

    #[test]
    fn a_failure_every_channel_shares_is_not_one_channel() {
        let counts = vec![
            count("a", "vip", true, true, 50),
            count("a", "vip", false, true, 50),
            count("b", "vip", true, true, 40),
            count("b", "vip", false, true, 60),
        ];
        assert!(callouts(&counts).is_empty());
        // Nor is a channel alone in its group (nothing to compare with).
        assert!(callouts(&[count("a", "vip", true, true, 50)]).is_empty());
    }
}

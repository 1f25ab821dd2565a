//! Group Health: per-group status from documented thresholds, and the concentration signals
//! ("is the failure concentrated in one group and time window, or in many groups at once?")
//! found from error counts per group, signature and time bucket.
use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Windows of the page: (name, minutes, bucket minutes).
pub const WINDOWS: [(&str, i64, i64); 4] = [
    ("1h", 60, 1),
    ("6h", 360, 5),
    ("24h", 1440, 15),
    ("7d", 10080, 60),
];

/// Error rate at or above which a group is degraded, and failing.
pub const DEGRADED_RATE: f64 = 0.05;
pub const FAILING_RATE: f64 = 0.20;
/// Fewer requests than this never make a group degraded or failing on their own.
pub const MIN_REQUESTS: u64 = 20;
/// Failures of one signature in one group and bucket that make the bucket "hot".
pub const HOT_BUCKET_MIN: u64 = 3;
/// Groups hot in the same bucket that make a failure "many groups at once".
pub const MANY_GROUPS_MIN: usize = 3;
/// Share of a group's failures from one token that makes it "only this token".
pub const ONE_TOKEN_SHARE: f64 = 0.9;
/// Share of a signature's failures in one group that makes it "concentrated", and the least count.
pub const CONCENTRATED_SHARE: f64 = 0.6;
pub const CONCENTRATED_MIN: u64 = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupStatus {
    Healthy,
    Degraded,
    Failing,
}

impl GroupStatus {
    pub fn of(requests: u64, errors: u64) -> GroupStatus {
        if requests < MIN_REQUESTS {
            return GroupStatus::Healthy;
        }
        let rate = errors as f64 / requests as f64;
        if rate >= FAILING_RATE {
            GroupStatus::Failing
        } else if rate >= DEGRADED_RATE {
            GroupStatus::Degraded
        } else {
            GroupStatus::Healthy
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GroupStatus::Healthy => "healthy",
            GroupStatus::Degraded => "degraded",
            GroupStatus::Failing => "failing",
        }
    }
}

/// A failure signature: the status code and the catalogue entry it matched.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Signature {
    pub status: Option<u16>,
    pub entry_id: Option<String>,
}

/// Errors of one signature in one group and time bucket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub group: String,
    pub signature: Signature,
    pub bucket: i64,
    pub count: u64,
}

/// Where a failure is concentrated; the page turns it into a sentence with its scope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Concentration {
    /// The same failure in several groups within the same buckets.
    ManyGroups {
        signature: Signature,
        groups: Vec<String>,
        from_bucket: i64,
        to_bucket: i64,
        count: u64,
    },
    /// Most failures of a signature come from one group.
    OneGroup {
        signature: Signature,
        group: String,
        share: f64,
        count: u64,
        from_bucket: i64,
        to_bucket: i64,
    },
}

/// Finds concentrations in the cells of one window. Rules:
/// 1. a signature hot (>= `HOT_BUCKET_MIN` failures) in >= `MANY_GROUPS_MIN` groups in the same bucket is "many groups at once";
/// 2. otherwise, a signature with >= `CONCENTRATED_MIN` failures of which >= `CONCENTRATED_SHARE` come from one group is concentrated in that group.
pub fn concentrations(cells: &[Cell]) -> Vec<Concentration> {
    let mut by_sig: BTreeMap<&Signature, Vec<&Cell>> = BTreeMap::new();
    for c in cells {
        by_sig.entry(&c.signature).or_default().push(c);
    }
    let mut out = Vec::new();
    for (sig, cells) in by_sig {
        let mut hot: BTreeMap<i64, BTreeSet<&str>> = BTreeMap::new();
        for c in cells.iter().filter(|c| c.count >= HOT_BUCKET_MIN) {
            hot.entry(c.bucket).or_default().insert(&c.group);
        }
        let wide: Vec<(&i64, &BTreeSet<&str>)> = hot
            .iter()
            .filter(|(_, g)| g.len() >= MANY_GROUPS_MIN)
            .collect();
        if let (Some(first), Some(last)) = (wide.first(), wide.last()) {
            let (from, to) = (*first.0, *last.0);
            let groups: BTreeSet<&str> = wide.iter().flat_map(|(_, g)| g.iter().copied()).collect();
            let count = cells
                .iter()
                .filter(|c| c.bucket >= from && c.bucket <= to && groups.contains(c.group.as_str()))
                .map(|c| c.count)
                .sum();
            out.push(Concentration::ManyGroups {
                signature: sig.clone(),
                groups: groups.into_iter().map(str::to_string).collect(),
                from_bucket: from,
                to_bucket: to,
                count,
            });
            continue;
        }
        let total: u64 = cells.iter().map(|c| c.count).sum();
        let mut per_group: BTreeMap<&str, u64> = BTreeMap::new();
        for c in &cells {
            *per_group.entry(&c.group).or_default() += c.count;
        }
        if let Some((group, n)) = per_group.into_iter().max_by_key(|(_, n)| *n) {
            let share = n as f64 / total as f64;
            if n >= CONCENTRATED_MIN && share >= CONCENTRATED_SHARE {
                // The span is the group's hot buckets where it has any, else every bucket it failed in.
                let mine: Vec<&&Cell> = cells.iter().filter(|c| c.group == group).collect();
                let hot: Vec<i64> = mine
                    .iter()
                    .filter(|c| c.count >= HOT_BUCKET_MIN)
                    .map(|c| c.bucket)
                    .collect();
                let buckets: Vec<i64> = if hot.is_empty() {
                    mine.iter().map(|c| c.bucket).collect()
                } else {
                    hot
                };
                out.push(Concentration::OneGroup {
                    signature: sig.clone(),
                    group: group.to_string(),
                    share,
                    count: n,
                    from_bucket: buckets.iter().copied().min().unwrap_or(0),
                    to_bucket: buckets.iter().copied().max().unwrap_or(0),
                });
            }
        }
    }
    out.sort_by_key(|c| {
        std::cmp::Reverse(match c {
            Concentration::ManyGroups { count, .. } | Concentration::OneGroup { count, .. } => {
                *count
            }
        })
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(status: u16, entry: &str) -> Signature {
        Signature {
            status: Some(status),
            entry_id: Some(entry.into()),
        }
    }

    fn cell(group: &str, s: &Signature, bucket: i64, count: u64) -> Cell {
        Cell {
            group: group.into(),
            signature: s.clone(),
            bucket,
            count,
        }
    }

    #[test]
    fn thresholds_are_documented_numbers() {
        assert_eq!(
            GroupStatus::of(10, 9),
            GroupStatus::Healthy,
            "too few requests"
        );
        assert_eq!(GroupStatus::of(1000, 10), GroupStatus::Healthy);
        assert_eq!(GroupStatus::of(1000, 50), GroupStatus::Degraded);
        assert_eq!(GroupStatus::of(1000, 200), GroupStatus::Failing);
    }

    #[test]
    fn a_storm_in_one_group_a_burst_across_groups_and_background_noise() {
        let storm = sig(502, "000-msg-502-upstream-failed");
        let disk = sig(503, "000-msg-503-disk-overloaded");
        let noise = sig(429, "000-msg-429-rpm");
        let mut cells = vec![];
        for b in 10..12 {
            cells.push(cell("vip", &storm, b, 40));
        }
        cells.push(cell("default", &storm, 3, 2));
        for g in ["default", "vip", "svip", "enterprise", "cn-direct"] {
            cells.push(cell(g, &disk, 20, 12));
        }
        for (i, g) in ["default", "vip", "svip", "free"].iter().enumerate() {
            cells.push(cell(g, &noise, i as i64 * 7, 2));
        }
        let found = concentrations(&cells);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            matches!(&found[0], Concentration::OneGroup { group, count: 80, from_bucket: 10, to_bucket: 11, .. } if group == "vip")
        );
        match &found[1] {
            Concentration::ManyGroups { groups, count, .. } => {
                assert_eq!(groups.len(), 5);
                assert_eq!(*count, 60);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn spread_out_failures_are_not_a_concentration() {
        let s = sig(502, "x");
        let cells: Vec<Cell> = ["a", "b", "c", "d"]
            .iter()
            .map(|g| cell(g, &s, 1, 10))
            .collect();
        // Hot in 4 groups at once: many groups, not one.
        assert!(matches!(
            concentrations(&cells)[0],
            Concentration::ManyGroups { .. }
        ));
        let cells: Vec<Cell> = ["a", "b", "c", "d"]
            .iter()
            .enumerate()
            .map(|(i, g)| cell(g, &s, i as i64, 10))
            .collect();
        assert!(concentrations(&cells).is_empty());
    }
}

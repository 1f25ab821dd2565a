//! Group Health: per-group status from documented thresholds, and the concentration signals
//! ("is the failure concentrated in one group and time window, or in many groups at once?")
//! found from error counts per group, signature and time bucket.
use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap as HashMap;

use serde::{Deserialize, Serialize};

use super::attribution::Attribution;
use super::lang::Lang;

/// Windows of the page: (name, minutes, bucket minutes).
pub const WINDOWS: [(&str, i64, i64); 4] = [
    ("1h", 60, 1),
    ("6h", 360, 5),
    ("24h", 1440, 15),
    ("7d", 10080, 60),
];

/// A window's name in words: "24 hours", "7 天".
pub fn window_label(name: &str, lang: Lang) -> String {
    let (n, unit) = name.split_at(name.len().saturating_sub(1));
    match (unit, lang) {
        ("h", Lang::En) if n == "1" => "1 hour".into(),
        ("h", Lang::En) => format!("{n} hours"),
        ("h", Lang::Zh) => format!("{n} 小时"),
        ("d", Lang::En) if n == "1" => "1 day".into(),
        ("d", Lang::En) => format!("{n} days"),
        ("d", Lang::Zh) => format!("{n} 天"),
        _ => name.to_string(),
    }
}

/// Error rate at or above which a group is degraded, and failing.
pub const DEGRADED_RATE: f64 = 0.05;
pub const FAILING_RATE: f64 = 0.20;
/// Fewer requests than this never make a group degraded or failing on their own.
pub const MIN_REQUESTS: u64 = 20;
/// Failures of one signature in one group and bucket that make the bucket "hot".
pub const HOT_BUCKET_MIN: u64 = 3;
/// A bucket is hot only when it also holds this many times the group's average per bucket
/// for that failure: steady background errors of a busy relay are not a burst.
pub const BURST_FACTOR: f64 = 4.0;
/// Groups hot in the same bucket that make a failure "many groups at once".
pub const MANY_GROUPS_MIN: usize = 3;
/// Share of a group's failures from one token that makes it "only this token".
pub const ONE_TOKEN_SHARE: f64 = 0.9;
/// Share of a signature's failures in one group that makes it "concentrated", and the least count.
pub const CONCENTRATED_SHARE: f64 = 0.6;
pub const CONCENTRATED_MIN: u64 = 20;
/// A burst rarely starts or ends on a bucket boundary. The bucket just before or after a hot
/// span joins it when it holds more than this many times the background per bucket (the
/// average outside the span), so a link to the span reaches the burst's first and last rows.
pub const EDGE_FACTOR: f64 = 2.0;

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

/// Requests of one group, log type, signature and attribution in one time bucket (the
/// previous window is one bucket), as the store sums them.
#[derive(Clone, Debug, PartialEq)]
pub struct Count {
    pub t_ms: i64,
    pub group: String,
    pub error: bool,
    pub signature: Signature,
    pub attribution: Option<Attribution>,
    pub n: u64,
}

/// A group's requests and errors in the window and in the window before it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Totals {
    pub requests: u64,
    pub errors: u64,
    pub prev_requests: u64,
    pub prev_errors: u64,
}

/// Everything Group Health counts, from one read of the counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WindowCounts {
    pub totals: BTreeMap<String, Totals>,
    /// Errors per group, signature and bucket.
    pub cells: Vec<Cell>,
    /// (group, bucket) -> (requests, errors)
    pub series: BTreeMap<(String, i64), (u64, u64)>,
    /// (group, attribution) -> errors
    pub mix: BTreeMap<(String, Attribution), u64>,
}

/// Folds request `totals` of `[prev_from, to)` and the window's `errors` (per signature) into
/// the window `[from, to)` (buckets of `bucket_ms` from `from`) and the totals of the window
/// before it. A 7-day window folds some 100,000 counts: they are summed under borrowed keys in
/// hash maps (Fx hashing: the keys are the relay's own group names and signatures), and only
/// the few sums are copied out into the ordered result.
pub fn aggregate<'a>(
    totals: impl IntoIterator<Item = &'a Count>,
    errors: impl IntoIterator<Item = &'a Count>,
    prev_from: i64,
    from: i64,
    to: i64,
    bucket_ms: i64,
) -> WindowCounts {
    let bucket_of = |t_ms: i64| (t_ms - from) / bucket_ms.max(1);
    let mut group_totals: HashMap<&str, Totals> = HashMap::default();
    let mut series: HashMap<(&str, i64), (u64, u64)> = HashMap::default();
    for c in totals
        .into_iter()
        .filter(|c| c.t_ms >= prev_from && c.t_ms < to)
    {
        let t = group_totals.entry(c.group.as_str()).or_default();
        let errors = if c.error { c.n } else { 0 };
        if c.t_ms < from {
            t.prev_requests += c.n;
            t.prev_errors += errors;
            continue;
        }
        t.requests += c.n;
        t.errors += errors;
        let point = series
            .entry((c.group.as_str(), bucket_of(c.t_ms)))
            .or_default();
        point.0 += c.n;
        point.1 += errors;
    }
    let mut cells: HashMap<(&str, &Signature, i64), u64> = HashMap::default();
    let mut mix: HashMap<(&str, Attribution), u64> = HashMap::default();
    for c in errors
        .into_iter()
        .filter(|c| c.error && c.t_ms >= from && c.t_ms < to)
    {
        *cells
            .entry((&c.group, &c.signature, bucket_of(c.t_ms)))
            .or_default() += c.n;
        if let Some(a) = c.attribution {
            *mix.entry((c.group.as_str(), a)).or_default() += c.n;
        }
    }
    // Sorted by (group, signature, bucket): the few distinct (group, signature) pairs are
    // ranked once, so the many cells sort on integers instead of comparing strings.
    let mut pairs: Vec<(&str, &Signature)> = cells
        .keys()
        .map(|(g, s, _)| (*g, *s))
        .collect::<rustc_hash::FxHashSet<_>>()
        .into_iter()
        .collect();
    pairs.sort_unstable();
    let rank: HashMap<(&str, &Signature), usize> =
        pairs.iter().enumerate().map(|(i, p)| (*p, i)).collect();
    let mut cells: Vec<_> = cells
        .into_iter()
        .map(|((g, s, b), n)| (rank[&(g, s)], b, g, s, n))
        .collect();
    cells.sort_unstable_by_key(|&(r, b, ..)| (r, b));
    WindowCounts {
        totals: group_totals
            .into_iter()
            .map(|(g, t)| (g.to_string(), t))
            .collect(),
        cells: cells
            .into_iter()
            .map(|(_, bucket, group, signature, count)| Cell {
                group: group.to_string(),
                signature: signature.clone(),
                bucket,
                count,
            })
            .collect(),
        series: series
            .into_iter()
            .map(|((g, b), p)| ((g.to_string(), b), p))
            .collect(),
        mix: mix
            .into_iter()
            .map(|((g, a), n)| ((g.to_string(), a), n))
            .collect(),
    }
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

/// Finds concentrations in the cells of one window of `buckets` buckets. A cell is *hot* when
/// it holds >= `HOT_BUCKET_MIN` failures and >= `BURST_FACTOR` times its group's average per
/// bucket for that signature. Rules:
/// 1. a signature hot in >= `MANY_GROUPS_MIN` groups in the same bucket is "many groups at once";
/// 2. otherwise, a signature with >= `CONCENTRATED_MIN` failures of which >= `CONCENTRATED_SHARE` come from one group is concentrated in that group,
///    counted within the span of its hot buckets when it has any, else over the window.
pub fn concentrations(cells: &[Cell], buckets: i64) -> Vec<Concentration> {
    let mut by_sig: BTreeMap<&Signature, Vec<&Cell>> = BTreeMap::new();
    for c in cells {
        by_sig.entry(&c.signature).or_default().push(c);
    }
    let mut out = Vec::new();
    for (sig, cells) in by_sig {
        let mut per_group: BTreeMap<&str, u64> = BTreeMap::new();
        for c in &cells {
            *per_group.entry(&c.group).or_default() += c.count;
        }
        let is_hot = |c: &Cell| {
            let average = per_group.get(c.group.as_str()).copied().unwrap_or(0) as f64
                / buckets.max(1) as f64;
            c.count >= HOT_BUCKET_MIN && c.count as f64 >= BURST_FACTOR * average
        };
        let mut hot: BTreeMap<i64, BTreeSet<&str>> = BTreeMap::new();
        for c in cells.iter().filter(|c| is_hot(c)) {
            hot.entry(c.bucket).or_default().insert(&c.group);
        }
        let wide: Vec<(&i64, &BTreeSet<&str>)> = hot
            .iter()
            .filter(|(_, g)| g.len() >= MANY_GROUPS_MIN)
            .collect();
        if let (Some(first), Some(last)) = (wide.first(), wide.last()) {
            let groups: BTreeSet<&str> = wide.iter().flat_map(|(_, g)| g.iter().copied()).collect();
            let (from, to) = widen(&cells, buckets, (*first.0, *last.0), |g| groups.contains(g));
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
        if let Some(one) = one_group(sig, &cells, buckets, &per_group, is_hot) {
            out.push(one);
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

/// Rule 2. The group with the most failures in hot buckets is measured within the span of
/// its own hot buckets (so background elsewhere does not dilute a storm); without hot buckets
/// the whole window counts.
fn one_group(
    sig: &Signature,
    cells: &[&Cell],
    buckets: i64,
    per_group: &BTreeMap<&str, u64>,
    is_hot: impl Fn(&Cell) -> bool,
) -> Option<Concentration> {
    let mut hot_by_group: BTreeMap<&str, (u64, i64, i64)> = BTreeMap::new();
    for c in cells.iter().filter(|c| is_hot(c)) {
        let e = hot_by_group
            .entry(&c.group)
            .or_insert((0, c.bucket, c.bucket));
        *e = (e.0 + c.count, e.1.min(c.bucket), e.2.max(c.bucket));
    }
    let (group, n, total, from, to) = match hot_by_group.iter().max_by_key(|(_, v)| v.0) {
        Some((g, &(_, from, to))) => {
            let (from, to) = widen(cells, buckets, (from, to), |group| group == *g);
            let in_span: Vec<&&Cell> = cells
                .iter()
                .filter(|c| c.bucket >= from && c.bucket <= to)
                .collect();
            let total: u64 = in_span.iter().map(|c| c.count).sum();
            let n = in_span
                .iter()
                .filter(|c| c.group == *g)
                .map(|c| c.count)
                .sum();
            (*g, n, total, from, to)
        }
        None => {
            let (g, n) = per_group.iter().max_by_key(|(_, n)| **n)?;
            let mine = cells.iter().filter(|c| c.group == *g).map(|c| c.bucket);
            let (from, to) = (mine.clone().min()?, mine.max()?);
            (*g, *n, per_group.values().sum(), from, to)
        }
    };
    let share = n as f64 / total.max(1) as f64;
    (n >= CONCENTRATED_MIN && share >= CONCENTRATED_SHARE).then(|| Concentration::OneGroup {
        signature: sig.clone(),
        group: group.to_string(),
        share,
        count: n,
        from_bucket: from,
        to_bucket: to,
    })
}

/// Grows a hot span `(from, to)` by the bucket on either side that holds more than
/// `EDGE_FACTOR` times the background of the chosen groups: the part-filled first or last
/// bucket of a burst that was too small to be hot itself.
fn widen(
    cells: &[&Cell],
    buckets: i64,
    (from, to): (i64, i64),
    chosen: impl Fn(&str) -> bool,
) -> (i64, i64) {
    let at = |bucket: i64| -> u64 {
        cells
            .iter()
            .filter(|c| c.bucket == bucket && chosen(&c.group))
            .map(|c| c.count)
            .sum()
    };
    let outside: u64 = cells
        .iter()
        .filter(|c| (c.bucket < from || c.bucket > to) && chosen(&c.group))
        .map(|c| c.count)
        .sum();
    let background = outside as f64 / (buckets - (to - from + 1)).max(1) as f64;
    let joins = |bucket: i64| at(bucket) as f64 > EDGE_FACTOR * background;
    (
        if joins(from - 1) { from - 1 } else { from },
        if joins(to + 1) { to + 1 } else { to },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_window_has_words_in_both_languages() {
        let words: Vec<String> = WINDOWS
            .iter()
            .flat_map(|w| [window_label(w.0, Lang::En), window_label(w.0, Lang::Zh)])
            .collect();
        assert_eq!(
            words,
            [
                "1 hour",
                "1 小时",
                "6 hours",
                "6 小时",
                "24 hours",
                "24 小时",
                "7 days",
                "7 天"
            ]
        );
    }

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
        let found = concentrations(&cells, 24);
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
            concentrations(&cells, 4)[0],
            Concentration::ManyGroups { .. }
        ));
        let cells: Vec<Cell> = ["a", "b", "c", "d"]
            .iter()
            .enumerate()
            .map(|(i, g)| cell(g, &s, i as i64, 10))
            .collect();
        assert!(concentrations(&cells, 4).is_empty());
    }

    #[test]
    fn steady_background_in_every_group_is_not_a_burst_but_a_burst_on_top_of_it_is() {
        let s = sig(429, "000-msg-429-rpm");
        let groups = ["default", "vip", "svip", "free", "enterprise", "cn-direct"];
        let mut cells: Vec<Cell> = groups
            .iter()
            .flat_map(|g| (0..168).map(|b| cell(g, &s, b, 5 + (b % 3) as u64)))
            .collect();
        assert!(
            concentrations(&cells, 168).is_empty(),
            "a busy relay's everyday 429s"
        );
        for g in &groups[..3] {
            cells.retain(|c| !(c.group == *g && c.bucket == 100));
            cells.push(cell(g, &s, 100, 60));
        }
        match &concentrations(&cells, 168)[..] {
            [Concentration::ManyGroups {
                groups,
                from_bucket: 100,
                to_bucket: 100,
                ..
            }] => {
                assert_eq!(groups.len(), 3)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_storm_in_one_group_stands_out_of_background_in_every_group() {
        let s = sig(502, "000-msg-502-upstream-failed");
        let groups = ["default", "vip", "svip", "free", "enterprise", "cn-direct"];
        let mut cells: Vec<Cell> = groups
            .iter()
            .flat_map(|g| (0..96).map(|b| cell(g, &s, b, 2)))
            .collect();
        // Over the whole window vip holds well under 60% of these 502s ...
        for b in 80..88 {
            cells.retain(|c| !(c.group == "vip" && c.bucket == b));
            cells.push(cell("vip", &s, b, 40));
        }
        // ... but within the storm's buckets nearly all of them.
        match &concentrations(&cells, 96)[..] {
            [Concentration::OneGroup {
                group,
                share,
                count: 320,
                from_bucket: 80,
                to_bucket: 87,
                ..
            }] => {
                assert_eq!(group, "vip");
                assert!(
                    (*share - 0.8).abs() < 1e-9,
                    "320 of the 400 in those buckets: {share}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_part_filled_first_and_last_buckets_of_a_burst_belong_to_its_span() {
        let s = sig(502, "000-msg-502-bad-response");
        let bucket_s = 15 * 60;
        // 320 failures evenly over 20 minutes, starting anywhere in a 15-minute bucket: the
        // first or last bucket may hold a handful, too few to be hot, but the span holds all.
        for start_s in (0..bucket_s).step_by(10) {
            let mut per_bucket: BTreeMap<i64, u64> = BTreeMap::new();
            for i in 0..320 {
                let t = 40 * bucket_s + start_s + i * 20 * 60 / 320;
                *per_bucket.entry(t / bucket_s).or_default() += 1;
            }
            let mut cells: Vec<Cell> = per_bucket
                .iter()
                .map(|(b, n)| cell("vip", &s, *b, *n))
                .collect();
            cells.extend([cell("vip", &s, 3, 1), cell("vip", &s, 70, 2)]);
            match &concentrations(&cells, 96)[..] {
                [Concentration::OneGroup {
                    count,
                    from_bucket,
                    to_bucket,
                    ..
                }] => {
                    assert_eq!(*count, 320, "storm starting {start_s} s into a bucket");
                    assert_eq!(
                        (*from_bucket, *to_bucket),
                        (
                            *per_bucket.keys().next().unwrap(),
                            *per_bucket.keys().last().unwrap()
                        )
                    );
                }
                other => panic!("{start_s}: {other:?}"),
            }
        }
        let disk = sig(503, "000-msg-503-disk-overloaded");
        let mut cells = vec![];
        for g in ["default", "vip", "svip"] {
            cells.extend([cell(g, &disk, 3, 1), cell(g, &disk, 4, 30)]);
        }
        match &concentrations(&cells, 96)[..] {
            [Concentration::ManyGroups {
                count: 93,
                from_bucket: 3,
                to_bucket: 4,
                ..
            }] => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn aggregate_splits_the_previous_window_buckets_and_attributions() {
        let s502 = sig(502, "x");
        let count = |t_ms: i64, group: &str, error: bool, n: u64| Count {
            t_ms,
            group: group.into(),
            error,
            signature: if error {
                s502.clone()
            } else {
                Signature {
                    status: None,
                    entry_id: None,
                }
            },
            attribution: error.then_some(Attribution::Upstream),
            n,
        };
        let rows = vec![
            count(0, "vip", true, 4),      // previous window
            count(500, "vip", false, 10),  // previous window
            count(1_000, "vip", true, 3),  // bucket 0
            count(1_500, "vip", false, 7), // bucket 1
            count(1_999, "vip", true, 2),  // bucket 1
            count(2_000, "vip", true, 99), // after the window
        ];
        let errors: Vec<Count> = rows.iter().filter(|c| c.error).cloned().collect();
        let w = aggregate(&rows, &errors, 0, 1_000, 2_000, 500);
        assert_eq!(
            w.totals["vip"],
            Totals {
                requests: 12,
                errors: 5,
                prev_requests: 14,
                prev_errors: 4
            }
        );
        assert_eq!(w.series[&("vip".to_string(), 0)], (3, 3));
        assert_eq!(w.series[&("vip".to_string(), 1)], (9, 2));
        assert_eq!(w.mix[&("vip".to_string(), Attribution::Upstream)], 5);
        assert_eq!(
            w.cells
                .iter()
                .map(|c| (c.bucket, c.count))
                .collect::<Vec<_>>(),
            vec![(0, 3), (1, 2)]
        );
    }
}

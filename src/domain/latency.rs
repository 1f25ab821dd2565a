//! Latency percentiles from histograms. A row's time to answer falls in one of ten buckets per
//! power of ten (bounds 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times it), so a window's p50 and p95
//! come from a few hundred counts kept per quarter-hour instead of every row; a percentile is
//! placed inside its bucket by rank, within a bucket's width (at most a third) of the truth.
//! Rows without a real latency (new-api's error rows record 0) have no bucket.
use std::collections::{BTreeMap, HashMap};

/// The two leading digits at which each of a decade's buckets starts.
const LADDER: [i64; 10] = [10, 12, 15, 20, 25, 30, 40, 50, 60, 80];

/// The bucket of the column `latency_ms` in SQL, for both backends: what `bucket_of`
/// computes, from the number's digits (their count gives the power of ten, the first two the
/// step). One line, which the rollup migrations' backfill holds word for word.
pub fn bucket_sql() -> String {
    let lead = "CAST(substr(CAST(latency_ms AS TEXT) || '00', 1, 2) AS INTEGER)";
    let steps: Vec<String> = LADDER[1..]
        .iter()
        .enumerate()
        .map(|(step, next)| format!("WHEN {lead} < {next} THEN {step}"))
        .collect();
    format!(
        "(length(CAST(latency_ms AS TEXT)) - 1) * 10 + CASE {} ELSE 9 END",
        steps.join(" ")
    )
}

/// The bucket a latency falls in; none for a row that recorded no latency.
pub fn bucket_of(latency_ms: Option<i64>) -> Option<i64> {
    let ms = latency_ms.filter(|&ms| ms > 0)?;
    let digits = ms.to_string();
    let lead: i64 = format!("{digits}00")[..2].parse().ok()?;
    let step = LADDER.iter().rposition(|&start| lead >= start)? as i64;
    Some((digits.len() as i64 - 1) * 10 + step)
}

/// The milliseconds at which `bucket` starts (fractional below 10 ms).
fn bucket_start(bucket: i64) -> f64 {
    let decade = bucket.div_euclid(10);
    let step = LADDER[bucket.rem_euclid(10) as usize] as f64;
    step * 10f64.powi(decade as i32 - 1)
}

/// Counts per bucket.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram(BTreeMap<i64, u64>);

impl Histogram {
    pub fn add(&mut self, bucket: i64, n: u64) {
        *self.0.entry(bucket).or_default() += n;
    }

    /// Rows with a latency.
    pub fn total(&self) -> u64 {
        self.0.values().sum()
    }

    /// The bucket holding the rank of a share `q` of the rows, the rows below it and in it,
    /// and the rank. None when empty.
    fn rank_of(&self, q: f64) -> Option<(i64, u64, u64, f64)> {
        let rank = (q.clamp(0.0, 1.0) * self.total() as f64).max(1.0);
        let mut below = 0u64;
        for (&bucket, &n) in &self.0 {
            if (below + n) as f64 >= rank {
                return Some((bucket, below, n, rank));
            }
            below += n;
        }
        None
    }

    /// The latency under which a share `q` of the rows fall, in whole milliseconds: the bucket
    /// holding that rank, and a place inside it in proportion to the rank. None when empty.
    pub fn quantile(&self, q: f64) -> Option<i64> {
        let (bucket, below, n, rank) = self.rank_of(q)?;
        let (lo, hi) = (bucket_start(bucket), bucket_start(bucket + 1));
        let within = (rank - below as f64) / n as f64;
        Some((lo + (hi - lo) * within).round().max(1.0) as i64)
    }

    /// Where the bucket holding the rank of `q` starts, in whole milliseconds: every row at or
    /// over it is in that bucket or above, so there is at least one (an estimate placed inside
    /// a bucket can be above all of the bucket's rows).
    pub fn bucket_floor(&self, q: f64) -> Option<i64> {
        self.rank_of(q)
            .map(|(bucket, ..)| bucket_start(bucket).ceil() as i64)
    }

    pub fn percentiles(&self) -> Option<Percentiles> {
        Some(Percentiles {
            p50: self.quantile(0.50)?,
            p95: self.quantile(0.95)?,
            p95_floor: self.bucket_floor(0.95)?,
            rows: self.total(),
        })
    }
}

/// What a histogram's rows share: their group, model or upstream channel (admins only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Group,
    Model,
    Channel,
}

impl Dimension {
    pub const ALL: [Dimension; 3] = [Dimension::Group, Dimension::Model, Dimension::Channel];

    /// How the rollups store it.
    pub fn code(self) -> i64 {
        self as i64
    }

    pub fn from_code(code: i64) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.code() == code)
    }
}

/// One histogram per value of each dimension (indexed by `Dimension::code`).
type PerValue = [HashMap<String, Histogram>; 3];

/// The histograms of a window and of the window before it, per group, model and channel.
#[derive(Clone, Debug, Default)]
pub struct Histograms {
    now: PerValue,
    before: PerValue,
}

impl Histograms {
    /// Counts `n` rows of `value` in `bucket`, in the window (`current`) or the one before.
    pub fn add(&mut self, dim: Dimension, value: &str, current: bool, bucket: i64, n: u64) {
        let side = if current {
            &mut self.now
        } else {
            &mut self.before
        };
        let values = &mut side[dim as usize];
        match values.get_mut(value) {
            Some(h) => h.add(bucket, n),
            None => {
                let mut h = Histogram::default();
                h.add(bucket, n);
                values.insert(value.to_string(), h);
            }
        }
    }

    /// The percentiles of `value` in the window, with those of the window before.
    pub fn latency(&self, dim: Dimension, value: &str) -> Option<Latency> {
        let empty = Histogram::default();
        let before = self.before[dim as usize].get(value).unwrap_or(&empty);
        Latency::of(self.now[dim as usize].get(value)?, before)
    }

    /// Every value of `dim` with rows in the window, in order.
    pub fn values(&self, dim: Dimension) -> Vec<&str> {
        let mut out: Vec<&str> = self.now[dim as usize].keys().map(String::as_str).collect();
        out.sort_unstable();
        out
    }
}

/// The median and 95th percentile of a set of rows, and how many rows had a latency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Percentiles {
    pub p50: i64,
    pub p95: i64,
    /// Where the p95's bucket starts: the rows at or over it are the slowest ones.
    pub p95_floor: i64,
    pub rows: u64,
}

/// A window's percentiles and those of the window before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Latency {
    pub now: Percentiles,
    pub before: Option<Percentiles>,
}

impl Latency {
    pub fn of(now: &Histogram, before: &Histogram) -> Option<Latency> {
        Some(Latency {
            now: now.percentiles()?,
            before: before.percentiles(),
        })
    }

    /// How much the p95 moved since the window before, as a signed share (0.35: 35% slower).
    pub fn p95_change(&self) -> Option<f64> {
        let before = self.before?.p95 as f64;
        (before > 0.0).then(|| (self.now.p95 as f64 - before) / before)
    }
}

/// A time to answer, short enough for a narrow column: "387 ms", "8.9 s"; empty when none.
pub fn duration_text(ms: Option<i64>) -> String {
    match ms.filter(|&ms| ms > 0) {
        Some(ms) if ms < 1000 => format!("{ms} ms"),
        Some(ms) => format!("{:.1} s", ms as f64 / 1000.0),
        None => String::new(),
    }
}

/// A change as a signed percentage: "+35%", "−12%", "±0%".
pub fn change_text(change: f64) -> String {
    let pct = (change * 100.0).round();
    if pct > 0.0 {
        format!("+{pct:.0}%")
    } else if pct < 0.0 {
        format!("−{:.0}%", -pct)
    } else {
        "±0%".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_follow_the_ladder_in_every_decade() {
        assert_eq!(bucket_of(Some(0)), None);
        assert_eq!(bucket_of(None), None);
        assert_eq!(bucket_of(Some(-5)), None);
        assert_eq!(bucket_of(Some(1)), Some(0));
        assert_eq!(bucket_of(Some(2)), Some(3));
        assert_eq!(bucket_of(Some(9)), Some(9));
        assert_eq!(bucket_of(Some(10)), Some(10));
        assert_eq!(bucket_of(Some(11)), Some(10));
        assert_eq!(bucket_of(Some(12)), Some(11));
        assert_eq!(bucket_of(Some(999)), Some(29));
        assert_eq!(bucket_of(Some(1000)), Some(30));
        assert_eq!(bucket_of(Some(1499)), Some(31));
        assert_eq!(bucket_of(Some(1500)), Some(32));
        assert_eq!(bucket_of(Some(8_900)), Some(39));
        // Every latency lies inside the bounds of its bucket.
        for ms in (1..20_000).chain((20_000..4_000_000).step_by(997)) {
            let b = bucket_of(Some(ms)).unwrap();
            assert!(
                bucket_start(b) <= ms as f64 && (ms as f64) < bucket_start(b + 1),
                "{ms} ms in bucket {b}"
            );
        }
    }

    #[test]
    fn percentiles_fall_within_a_bucket_of_the_exact_ones() {
        let mut h = Histogram::default();
        let mut rows: Vec<i64> = (0..1000).map(|i| 200 + i * 7).collect(); // 200 ms .. 7.2 s
        rows.extend([60_000; 20]);
        for &ms in &rows {
            h.add(bucket_of(Some(ms)).unwrap(), 1);
        }
        rows.sort();
        let exact = |q: f64| rows[((q * rows.len() as f64).ceil() as usize).max(1) - 1] as f64;
        for q in [0.5, 0.95] {
            let got = h.quantile(q).unwrap() as f64;
            assert!(
                (got - exact(q)).abs() / exact(q) < 0.25,
                "q{q}: {got} vs {}",
                exact(q)
            );
        }
        assert_eq!(h.total(), 1020);
        // The p95's bucket starts at or below it, and holds rows.
        let floor = h.bucket_floor(0.95).unwrap();
        assert!(floor <= h.quantile(0.95).unwrap());
        assert!(rows
            .iter()
            .any(|&ms| ms >= floor && ms as f64 <= exact(0.95)));
        assert_eq!(Histogram::default().quantile(0.5), None);
    }

    #[test]
    fn the_change_compares_the_p95_with_the_window_before() {
        let mut now = Histogram::default();
        let mut before = Histogram::default();
        now.add(bucket_of(Some(3_000)).unwrap(), 10);
        before.add(bucket_of(Some(1_000)).unwrap(), 10);
        let l = Latency::of(&now, &before).unwrap();
        assert!(l.p95_change().unwrap() > 1.0);
        assert_eq!(Latency::of(&Histogram::default(), &before), None);
        let alone = Latency::of(&now, &Histogram::default()).unwrap();
        assert_eq!(alone.p95_change(), None);
        assert_eq!(change_text(0.354), "+35%");
        assert_eq!(change_text(-0.12), "−12%");
        assert_eq!(change_text(0.001), "±0%");
        assert_eq!(duration_text(Some(387)), "387 ms");
        assert_eq!(duration_text(Some(8_900)), "8.9 s");
        assert_eq!(duration_text(Some(0)), "");
        assert_eq!(duration_text(None), "");
    }
}

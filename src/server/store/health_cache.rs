//! Group Health's reads of whole buckets, kept in memory while the bucket's rollup rows stay
//! the same. A window checks its buckets' stamps in `rollup_versions` (one small read) and
//! reads again only the buckets whose stamps moved: under live ingest, the newest one. Past
//! hours of a 7-day view are summed once, not on every load.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::{rollup::QUARTER_MS, Sql, Store, StoreError};

/// What a bucket's quarters looked like when read: how many have rollup rows, and the newest
/// stamp among them. Any insert or purge in the bucket raises the stamp; a forgotten quarter
/// lowers the count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Stamp {
    quarters: i64,
    newest: i64,
}

/// Per bucket size and bucket start: the stamp read with the rows, and the rows.
type Entries<T> = HashMap<(i64, i64), (Stamp, Arc<Vec<T>>)>;

/// One kind of bucket read (totals, errors or members), shared by every clone of the store.
pub(super) struct BucketCache<T>(Arc<Mutex<Entries<T>>>);

impl<T> Default for BucketCache<T> {
    fn default() -> Self {
        BucketCache(Arc::default())
    }
}

impl<T> Clone for BucketCache<T> {
    fn clone(&self) -> Self {
        BucketCache(self.0.clone())
    }
}

impl<T> BucketCache<T> {
    fn entries(&self) -> std::sync::MutexGuard<'_, Entries<T>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn clear(&self) {
        self.entries().clear();
    }

    /// How many buckets of `bucket_ms` are kept.
    pub(super) fn kept(&self, bucket_ms: i64) -> usize {
        self.entries()
            .keys()
            .filter(|(size, _)| *size == bucket_ms)
            .count()
    }

    /// The buckets of `[from, to)` (aligned to `bucket_ms`) in order: cached where the stamp
    /// is unchanged, else from `read`, which gets the span of the stale buckets and returns
    /// one list of rows per bucket of it. Entries of this bucket size outside `keep` (the
    /// span, or the whole window when it is read in several spans) are dropped, so the cache
    /// holds what the last window of each size needed.
    pub(super) async fn buckets<F, Fut>(
        &self,
        span: (i64, i64),
        keep: (i64, i64),
        bucket_ms: i64,
        stamps: &[Stamp],
        read: F,
    ) -> Result<Vec<Arc<Vec<T>>>, StoreError>
    where
        F: FnOnce(i64, i64) -> Fut,
        Fut: std::future::Future<Output = Result<Vec<Vec<T>>, StoreError>>,
    {
        let from = span.0;
        let start = |i: usize| from + i as i64 * bucket_ms;
        let mut found: Vec<Option<Arc<Vec<T>>>> = {
            let entries = self.entries();
            stamps
                .iter()
                .enumerate()
                .map(|(i, stamp)| match entries.get(&(bucket_ms, start(i))) {
                    Some((s, rows)) if s == stamp => Some(rows.clone()),
                    _ => None,
                })
                .collect()
        };
        let stale: Vec<usize> = (0..found.len()).filter(|&i| found[i].is_none()).collect();
        if let (Some(&lo), Some(&hi)) = (stale.first(), stale.last()) {
            let fresh = read(start(lo), start(hi + 1)).await?;
            let mut entries = self.entries();
            for (offset, rows) in fresh.into_iter().enumerate() {
                let i = lo + offset;
                if i > hi || found[i].is_some() {
                    continue;
                }
                let rows = Arc::new(rows);
                entries.insert((bucket_ms, start(i)), (stamps[i], rows.clone()));
                found[i] = Some(rows);
            }
        }
        self.entries()
            .retain(|&(size, t), _| size != bucket_ms || (keep.0..keep.1).contains(&t));
        Ok(found
            .into_iter()
            .map(|rows| rows.unwrap_or_default())
            .collect())
    }
}

impl Store {
    /// The stamps of the buckets of `[from, to)`, from `rollup_versions`.
    pub(super) async fn bucket_stamps(
        &self,
        from: i64,
        to: i64,
        bucket_ms: i64,
    ) -> Result<Vec<Stamp>, StoreError> {
        let q = Sql::new(
            "SELECT quarter, changed FROM rollup_versions WHERE quarter >= $1 AND quarter < $2",
        )
        .bind(from / QUARTER_MS)
        .bind(to / QUARTER_MS);
        let mut stamps = vec![Stamp::default(); ((to - from) / bucket_ms.max(1)).max(0) as usize];
        for r in self.run().fetch_all(&q).await? {
            let i = ((r.int(0) * QUARTER_MS - from) / bucket_ms) as usize;
            if let Some(s) = stamps.get_mut(i) {
                s.quarters += 1;
                s.newest = s.newest.max(r.int(1));
            }
        }
        Ok(stamps)
    }
}

/// Splits rows that carry their bucket's start into one list per bucket of `[from, to)`.
pub(super) fn by_bucket<T>(
    rows: impl IntoIterator<Item = (i64, T)>,
    from: i64,
    to: i64,
    bucket_ms: i64,
) -> Vec<Vec<T>> {
    let mut out: Vec<Vec<T>> = (0..((to - from) / bucket_ms.max(1)).max(0))
        .map(|_| Vec::new())
        .collect();
    for (t, row) in rows {
        if let Some(list) = usize::try_from((t - from) / bucket_ms)
            .ok()
            .and_then(|i| out.get_mut(i))
        {
            list.push(row);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(quarters: i64, newest: i64) -> Stamp {
        Stamp { quarters, newest }
    }

    #[tokio::test]
    async fn reads_only_the_buckets_whose_stamps_moved() {
        let cache: BucketCache<i64> = BucketCache::default();
        let reads = std::cell::RefCell::new(Vec::new());
        let read = |a: i64, b: i64| {
            reads.borrow_mut().push((a, b));
            async move { Ok(((a / 10)..(b / 10)).map(|i| vec![i]).collect()) }
        };
        let first = cache
            .buckets((0, 40), (0, 40), 10, &[stamp(1, 1); 4], read)
            .await
            .unwrap();
        assert_eq!(first.iter().map(|b| b[0]).collect::<Vec<_>>(), [0, 1, 2, 3]);
        // The newest bucket changed: only it is read again.
        let stamps = [stamp(1, 1), stamp(1, 1), stamp(1, 1), stamp(1, 2)];
        cache
            .buckets((0, 40), (0, 40), 10, &stamps, read)
            .await
            .unwrap();
        // A bucket in the middle lost a quarter: the span from it to the end is read, the
        // unchanged bucket inside the span keeps its cached rows.
        let stamps = [stamp(1, 1), stamp(0, 0), stamp(1, 1), stamp(1, 3)];
        let third = cache
            .buckets((0, 40), (0, 40), 10, &stamps, read)
            .await
            .unwrap();
        assert_eq!(third.len(), 4);
        assert_eq!(*reads.borrow(), [(0, 40), (30, 40), (10, 40)]);
        // A later window drops what fell out of it.
        cache
            .buckets((10, 50), (10, 50), 10, &[stamp(1, 1); 4], read)
            .await
            .unwrap();
        assert!(!cache.entries().contains_key(&(10, 0)));
        assert!(cache.entries().contains_key(&(10, 40)));
    }

    #[test]
    fn splits_rows_by_bucket() {
        let rows = [(0, 'a'), (20, 'b'), (25, 'c'), (99, 'x')];
        assert_eq!(
            by_bucket(rows, 0, 30, 10),
            vec![vec!['a'], vec![], vec!['b', 'c']]
        );
    }
}

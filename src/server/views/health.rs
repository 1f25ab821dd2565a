//! Group Health: per-group numbers, the time-bucket series, and concentration sentences whose
//! attribution comes from the same scope rules (`domain::scope::resolve`) as row details.
use std::collections::BTreeMap;

use super::asker::PageError;
use crate::domain::attribution::Attribution;
use crate::domain::catalogue::Catalogue;
use crate::domain::filter::LogQuery;
use crate::domain::health::{
    aggregate, concentrations, window_label, Concentration, GroupStatus, Signature, WindowCounts,
    ONE_TOKEN_SHARE, WINDOWS,
};
use crate::domain::lang::Lang;
use crate::domain::latency::{Dimension, Histograms};
use crate::domain::notice::Notice;
use crate::domain::scope::{resolve, ImpactScope};
use crate::domain::signal::Signal;
use crate::server::auth::Viewer;
use crate::server::store::{Store, StoreError, Visibility};
use crate::server::time::{now_ms, Zone};
use crate::shared::health::{GroupHealth, HealthPage, HealthSignal, LatencyCell, TopMessage};

/// A Usage Logs link to the rows in `[from, to)` that the filters select, in the viewer's
/// zone: the end is the window's last millisecond, so the link counts what the page counts.
pub(super) fn logs_href(zone: &Zone, from: i64, to: i64, filters: &[(&str, String)]) -> String {
    let mut q = LogQuery {
        range: Some("custom".into()),
        from: Some(zone.input_value_seconds(from)),
        to: Some(zone.input_value_before(to)),
        tz: Some(zone.name().into()),
        ..LogQuery::default()
    };
    for (k, v) in filters {
        q.set(k, Some(v.clone()));
    }
    q.href()
}

pub(super) fn sig_filters(sig: &Signature) -> Vec<(&'static str, String)> {
    let mut f = vec![];
    if let Some(s) = sig.status {
        f.push(("status", s.to_string()));
    }
    if let Some(e) = &sig.entry_id {
        f.push(("entry", e.clone()));
    }
    f
}

/// The window a page asked for, ending on a bucket boundary after now (so buckets are stable
/// between reloads), and the window before it.
pub(super) struct Window {
    pub name: &'static str,
    pub minutes: i64,
    pub bucket_minutes: i64,
    pub bucket_ms: i64,
    pub from: i64,
    pub to: i64,
    pub prev_from: i64,
}

impl Window {
    /// `window` (24 hours when unknown), and the notices of what was replaced by a default.
    pub fn resolve(
        window: &str,
        lang: Lang,
        tz: Option<&str>,
        zone: &Zone,
    ) -> (Window, Vec<Notice>) {
        let chosen = WINDOWS.iter().copied().find(|w| w.0 == window);
        let (name, minutes, bucket_minutes) = chosen.unwrap_or(WINDOWS[2]);
        let mut notices = Vec::new();
        if chosen.is_none() && !window.trim().is_empty() {
            notices.push(Notice::unknown_window(window, &window_label(name, lang)));
        }
        notices.extend(super::asker::zone_notice(tz, zone));
        let bucket_ms = bucket_minutes * 60_000;
        let to = (now_ms() / bucket_ms + 1) * bucket_ms;
        let from = to - minutes * 60_000;
        (
            Window {
                name,
                minutes,
                bucket_minutes,
                bucket_ms,
                from,
                to,
                prev_from: from - minutes * 60_000,
            },
            notices,
        )
    }

    pub fn buckets(&self) -> i64 {
        self.minutes / self.bucket_minutes
    }
}

/// The three most frequent status codes and failures among `by_sig` (errors per signature),
/// each with the link to exactly its rows in `[from, to)` under `filters`.
pub(super) fn tops(
    by_sig: &BTreeMap<&Signature, u64>,
    filters: &[(&'static str, String)],
    zone: &Zone,
    (from, to): (i64, i64),
    messages: &BTreeMap<Signature, String>,
    lang: Lang,
) -> (Vec<(String, u64, String)>, Vec<TopMessage>) {
    let mut by_status: BTreeMap<Option<u16>, u64> = BTreeMap::new();
    for (sig, n) in by_sig {
        *by_status.entry(sig.status).or_default() += n;
    }
    let mut top_status: Vec<(String, u64, String)> = by_status
        .into_iter()
        .map(|(s, n)| {
            let label = s.map(|s| s.to_string()).unwrap_or_else(|| "-".into());
            let mut f = filters.to_vec();
            f.push(("status", label.clone()));
            (label, n, logs_href(zone, from, to, &f))
        })
        .collect();
    top_status.sort_by_key(|x| std::cmp::Reverse(x.1));
    top_status.truncate(3);
    let mut top_messages: Vec<TopMessage> = by_sig
        .iter()
        .map(|(sig, n)| {
            let mut f = filters.to_vec();
            f.extend(sig_filters(sig));
            let sample = messages.get(*sig).cloned().unwrap_or_default();
            // The rows share the entry, not one message: its meaning names them all.
            let label = sig
                .entry_id
                .as_deref()
                .and_then(|id| Catalogue::builtin().entry(id))
                .map(|e| e.texts(lang).meaning.clone())
                .unwrap_or_else(|| sample.clone());
            TopMessage {
                status: sig.status,
                label,
                sample,
                count: *n,
                href: logs_href(zone, from, to, &f),
            }
        })
        .collect();
    top_messages.sort_by_key(|m| std::cmp::Reverse(m.count));
    top_messages.truncate(3);
    (top_status, top_messages)
}

/// Whether a reader of Group Health or channel health wants the latency figures: the pages
/// and the read API show them; alert rules, which read both every minute, do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Latencies {
    Read,
    Skip,
}

impl Latencies {
    /// The histograms of the window and the one before, or none when skipped.
    pub(super) async fn read(
        self,
        store: &Store,
        w: &Window,
        vis: Visibility,
    ) -> Result<Histograms, StoreError> {
        match self {
            Latencies::Read => {
                store
                    .latency_histograms(w.prev_from, w.from, w.to, w.bucket_ms, vis)
                    .await
            }
            Latencies::Skip => Ok(Histograms::default()),
        }
    }
}

/// The latency of `name` (a group, model or channel) in `[from, to)`, linked to the rows it
/// measured and to the slowest ones, from where the p95's bucket starts (`filters` select the
/// name's rows).
pub(super) fn latency_cell(
    histograms: &Histograms,
    dim: Dimension,
    name: &str,
    zone: &Zone,
    (from, to): (i64, i64),
    filters: &[(&'static str, String)],
) -> Option<LatencyCell> {
    let latency = histograms.latency(dim, name)?;
    let over = |ms: i64| {
        let mut f = filters.to_vec();
        f.push(("type", "all".into()));
        f.push(("slower", ms.to_string()));
        logs_href(zone, from, to, &f)
    };
    Some(LatencyCell {
        name: name.to_string(),
        rows_href: over(1),
        slow_href: over(latency.now.p95_floor),
        latency,
    })
}

/// One bar per bucket of `w` from `(bucket, (requests, errors))` points (buckets without a
/// point are empty), labelled with its start time and linked to its rows under `filters`.
pub(super) fn chart(
    points: impl IntoIterator<Item = (i64, (u64, u64))>,
    w: &Window,
    zone: &Zone,
    filters: &[(&'static str, String)],
) -> Vec<(String, u64, u64, String)> {
    let mut bars: Vec<(u64, u64)> = vec![(0, 0); w.buckets().max(0) as usize];
    for (b, point) in points {
        if let Some(p) = usize::try_from(b).ok().and_then(|b| bars.get_mut(b)) {
            *p = point;
        }
    }
    bars.into_iter()
        .enumerate()
        .map(|(i, (req, err))| {
            let start = w.from + i as i64 * w.bucket_ms;
            (
                zone.format_ms(start)[5..16].to_string(),
                req,
                err,
                logs_href(zone, start, start + w.bucket_ms, filters),
            )
        })
        .collect()
}

/// A concentration's signature, groups, share (one group) and span in time.
struct Found {
    sig: Signature,
    groups: Vec<String>,
    share: Option<f64>,
    span: (i64, i64),
}

/// Support and admins see every group with its messages and concentrations; a user sees the
/// groups they use, rates and counts only (no other user's messages, tokens or request ids).
pub async fn group_health(window: &str, tz: Option<&str>) -> Result<HealthPage, PageError> {
    let a = super::asker::Asker::current(tz, None).await?;
    group_health_as(
        &a.store,
        &a.viewer,
        a.zone,
        a.lang,
        window,
        tz,
        Latencies::Read,
    )
    .await
}

/// Reads Group Health's 24-hour and 7-day buckets as an every-row viewer sees them, so that
/// the first page after a start finds them kept: cold, a 7-day window sums two weeks of
/// rollup rows. Relay users' pages read their own rows and keep nothing.
pub async fn warm(store: &Store) -> Result<(), StoreError> {
    for name in ["24h", "7d"] {
        let (span, _) = Window::resolve(name, Lang::En, None, &Zone::default());
        let vis = Visibility::All;
        tokio::try_join!(
            store.health_counts(span.prev_from, span.from, span.to, span.bucket_ms, vis),
            Latencies::Read.read(store, &span, vis),
        )?;
    }
    Ok(())
}

/// `warm` in the background while the server starts listening.
pub fn spawn_warm_up(store: Store) {
    tokio::spawn(async move {
        let started = std::time::Instant::now();
        match warm(&store).await {
            Ok(()) => tracing::info!(
                elapsed_ms = started.elapsed().as_millis() as u64,
                "Group Health's 24 h and 7 d buckets read"
            ),
            Err(e) => tracing::warn!("Group Health's buckets could not be read ahead: {e}"),
        }
    });
}

/// Group Health over `window` as `viewer` may see it, in `zone` (`tz`: the zone the URL
/// named, if any): the page and the read API.
pub async fn group_health_as(
    store: &Store,
    viewer: &Viewer,
    zone: Zone,
    lang: Lang,
    window: &str,
    tz: Option<&str>,
    latencies: Latencies,
) -> Result<HealthPage, PageError> {
    let store = &store.for_reads();
    let restricted = !viewer.role().sees_every_user();
    let hhmm = |ms: i64| zone.format_ms(ms)[5..16].to_string();
    let (span, mut notices) = Window::resolve(window, lang, tz, &zone);
    notices.extend(super::freshness::lag_notice(store).await?);
    let latencies = latencies.read(store, &span, viewer.visibility());
    let Window {
        name,
        minutes,
        bucket_minutes,
        bucket_ms,
        from,
        to,
        prev_from,
    } = span;

    let vis = viewer.visibility();
    let shared = async {
        match vis.user() {
            Some(u) => store.shared_group_status(from, to, bucket_ms, u).await,
            None => Ok(Vec::new()),
        }
    };
    let (counts, messages, shared, latencies) = tokio::try_join!(
        store.health_counts(prev_from, from, to, bucket_ms, vis),
        store.signature_messages(),
        shared,
        latencies,
    )?;
    let shared: BTreeMap<String, GroupStatus> = shared.into_iter().collect();
    let WindowCounts {
        totals,
        cells,
        series,
        mix,
    } = aggregate(
        counts.totals(),
        counts.errors(),
        prev_from,
        from,
        to,
        bucket_ms,
    );
    let messages: BTreeMap<Signature, String> = messages.into_iter().collect();

    let found: Vec<Found> = concentrations(&cells, minutes / bucket_minutes)
        .into_iter()
        .filter(|_| !restricted)
        .map(|c| {
            let (sig, groups, from_b, to_b, share) = match c {
                Concentration::ManyGroups {
                    signature,
                    groups,
                    from_bucket,
                    to_bucket,
                    ..
                } => (signature, groups, from_bucket, to_bucket, None),
                Concentration::OneGroup {
                    signature,
                    group,
                    share,
                    from_bucket,
                    to_bucket,
                    ..
                } => (signature, vec![group], from_bucket, to_bucket, Some(share)),
            };
            Found {
                sig,
                groups,
                share,
                span: (from + from_b * bucket_ms, from + (to_b + 1) * bucket_ms),
            }
        })
        .collect();
    // Who and when for every concentration at once: the queries run side by side.
    let scopes = futures::future::try_join_all(
        found
            .iter()
            .map(|f| store.signature_scope(&f.sig, &f.groups, f.span.0, f.span.1)),
    )
    .await?;

    let mut signals = Vec::new();
    for (
        Found {
            sig, groups, share, ..
        },
        scope,
    ) in found.iter().zip(scopes)
    {
        let one_token =
            share.is_some() && scope.top_token_count as f64 >= ONE_TOKEN_SHARE * scope.count as f64;
        let message = messages.get(sig).cloned().unwrap_or_default();
        let explanation = Catalogue::builtin().explain(&Signal {
            status: sig.status,
            code: None,
            message: message.clone(),
        });
        let impact = ImpactScope {
            window_minutes: minutes,
            in_group: scope.count,
            tokens: if one_token { 1 } else { scope.tokens },
            users: if one_token { 1 } else { scope.users },
            models: 0,
            same_token: 0,
            other_groups: groups.len().saturating_sub(1) as u64,
            other_group_failures: 0,
            first_ms: scope.first_ms,
            last_ms: scope.last_ms,
            ..ImpactScope::default()
        };
        let attribution = resolve(&explanation, &impact).attribution;
        let status = sig
            .status
            .map(|s| s.to_string())
            .unwrap_or_else(|| "-".into());
        let short: String = message.chars().take(80).collect();
        let mut filters = sig_filters(sig);
        let signature = format!("{status}:{}", sig.entry_id.as_deref().unwrap_or("-"));
        let key = match (share, one_token) {
            (None, _) => format!("many:{}:{signature}", groups.join(",")),
            (Some(_), true) => format!("token:{}:{}:{signature}", groups[0], scope.top_token),
            (Some(_), false) => format!("one:{}:{signature}", groups[0]),
        };
        let cause = attribution.name(lang).to_lowercase();
        let (first, last) = (hhmm(scope.first_ms), hhmm(scope.last_ms));
        let sentence = match (share, lang) {
            (None, Lang::En) => format!(
                "{} groups failed with {status} “{short}” at the same time ({first} to {last}): {cause}",
                groups.len(),
            ),
            (None, Lang::Zh) => format!(
                "{} 个分组在同一时间（{first} 至 {last}）出现 {status}「{short}」失败：{cause}",
                groups.len(),
            ),
            (Some(_), _) if one_token => {
                filters.push(("group", groups[0].clone()));
                filters.push(("token", scope.top_token.clone()));
                let (token, group, of, n) = (&scope.top_token, &groups[0], scope.top_token_count, scope.count);
                match lang {
                    Lang::En => format!(
                        "Only token {token} fails with {status} “{short}” in group {group} ({of} of {n} failures): {cause}"
                    ),
                    Lang::Zh => format!(
                        "只有令牌 {token} 在分组 {group} 中出现 {status}「{short}」失败（{n} 次中的 {of} 次）：{cause}"
                    ),
                }
            }
            (Some(share), _) => {
                filters.push(("group", groups[0].clone()));
                let (pct, group, tokens) = (share * 100.0, &groups[0], scope.tokens);
                let window = window_label(name, lang);
                match lang {
                    Lang::En => format!(
                        "{pct:.0}% of the {status}s “{short}” in the last {window} are in group {group}, from {tokens} tokens, between {first} and {last}: {cause}"
                    ),
                    Lang::Zh => format!(
                        "最近 {window} 的 {status}「{short}」中有 {pct:.0}% 集中在分组 {group}，来自 {tokens} 个令牌，时间在 {first} 至 {last}：{cause}"
                    ),
                }
            }
        };
        signals.push(HealthSignal {
            key,
            groups: groups.clone(),
            count: scope.count,
            failure: format!("{status} “{short}”"),
            sentence,
            attribution,
            href: logs_href(&zone, scope.first_ms, scope.last_ms + 1, &filters),
        });
    }

    let mut groups: Vec<GroupHealth> = totals
        .into_iter()
        .filter(|(_, t)| t.requests > 0)
        .map(|(g, t)| {
            let touched = counts.affected.iter().find(|a| a.group == g);
            let group_filter = vec![("group", g.clone())];
            let mut by_sig: BTreeMap<&Signature, u64> = BTreeMap::new();
            for c in cells.iter().filter(|c| c.group == g) {
                *by_sig.entry(&c.signature).or_default() += c.count;
            }
            let (top_status, top_messages) =
                tops(&by_sig, &group_filter, &zone, (from, to), &messages, lang);
            let buckets = minutes / bucket_minutes;
            let points = series
                .range((g.clone(), 0)..(g.clone(), buckets))
                .map(|((_, b), point)| (*b, *point));
            let series = chart(points, &span, &zone, &group_filter);
            let rate = |e: u64, r: u64| if r == 0 { 0.0 } else { e as f64 / r as f64 };
            GroupHealth {
                requests: t.requests,
                errors: t.errors,
                rate: rate(t.errors, t.requests),
                prev_rate: (t.prev_requests > 0).then(|| rate(t.prev_errors, t.prev_requests)),
                status: GroupStatus::of(t.requests, t.errors),
                group_wide: shared.get(&g).copied(),
                tokens: touched.map_or(0, |a| a.tokens),
                users: touched.map_or(0, |a| a.users),
                models: touched.map_or(0, |a| a.models),
                top_status,
                top_messages,
                attribution_mix: mix
                    .iter()
                    .filter(|((mg, _), _)| *mg == g)
                    .map(|((_, a), n)| {
                        let mut f = group_filter.clone();
                        f.push(("attribution", a.as_str().to_string()));
                        (*a, *n, logs_href(&zone, from, to, &f))
                    })
                    .collect::<Vec<(Attribution, u64, String)>>(),
                series,
                logs_href: logs_href(&zone, from, to, &group_filter),
                requests_href: {
                    let mut f = group_filter.clone();
                    f.push(("type", "all".into()));
                    logs_href(&zone, from, to, &f)
                },
                latency: latency_cell(
                    &latencies,
                    Dimension::Group,
                    &g,
                    &zone,
                    (from, to),
                    &group_filter,
                ),
                group: g,
            }
        })
        .collect();
    if restricted {
        // The samples are the newest message of a signature from anyone.
        for g in &mut groups {
            g.top_messages.clear();
        }
    }
    groups.sort_by(|a, b| b.rate.total_cmp(&a.rate));
    let mut models_latency: Vec<LatencyCell> = latencies
        .values(Dimension::Model)
        .into_iter()
        .filter_map(|m| {
            let filters = [("model", m.to_string())];
            latency_cell(&latencies, Dimension::Model, m, &zone, (from, to), &filters)
        })
        .collect();
    models_latency.sort_by_key(|c| std::cmp::Reverse(c.latency.now.p95));
    Ok(HealthPage {
        models_latency,
        restricted,
        channels: viewer.role().sees_admin_fields(),
        window: name.to_string(),
        window_label: window_label(name, lang),
        notices,
        bucket_minutes,
        zone: zone.label(now_ms()),
        groups,
        signals,
    })
}

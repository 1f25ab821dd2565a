//! The Usage Logs page and a request's details: the viewer's rows, resolved and explained.
use crate::domain::attempts::{is_failure, Outcome};
use crate::domain::catalogue::Catalogue;
use crate::domain::filter::{LogFilter, LogQuery, Sort, COUNT_CAP};
use crate::domain::lang::Lang;
use crate::domain::log::{LogRow, LogType};
use crate::domain::notice::Notice;
use crate::domain::plain_words::{why, Dimension, Persisting, ScopeTexts, Span};
use crate::domain::scope::{ScopeReading, SCOPE_WINDOW_MINUTES};
use crate::domain::signal::Signal;
use crate::domain::support::{support_message, SupportFacts};
use crate::server::store::{Store, StoreError, Visibility};
use crate::server::time::{now_ms, Zone};
use crate::shared::logs::{AttemptView, LogPage, RequestDetails, RowView};

use super::asker::{store, viewer_zone, zone_notice, Asker, PageError};
use super::freshness::lag_notice;

use crate::domain::access::LookupKind;
use crate::server::auth::audit::record_lookup;
use crate::server::auth::Viewer;

fn explain(row: &LogRow) -> crate::domain::catalogue::Explanation {
    Catalogue::builtin().explain(&Signal {
        status: row.status_code,
        code: row.error_code.clone(),
        message: row.content.clone(),
    })
}

/// The scope-resolved attribution of error rows; ambiguous rows that share a group, signature
/// and 10-minute window share one scope, and every scope comes from one read.
async fn resolve_rows(
    store: &Store,
    rows: &[LogRow],
    zone: Zone,
    vis: Visibility,
) -> Result<Vec<RowView>, StoreError> {
    type ScopeKey = (String, Option<u16>, Option<String>, i64);
    let explained: Vec<_> = rows
        .iter()
        .map(|row| {
            let e = (row.log_type == LogType::Error).then(|| explain(row));
            let key = e
                .as_ref()
                .filter(|e| {
                    e.base() == crate::domain::attribution::Attribution::NeedsContext
                        && e.entry.is_some()
                })
                .map(|_| -> ScopeKey {
                    (
                        row.group.clone(),
                        row.status_code,
                        row.entry_id.clone(),
                        row.ts_ms / 600_000,
                    )
                });
            (row, e, key)
        })
        .collect();
    let ids: Vec<&str> = rows.iter().map(|r| r.request_id.as_str()).collect();
    let attempts: std::collections::HashMap<String, u64> =
        store.attempt_counts(&ids, vis).await?.into_iter().collect();
    let mut first_of: std::collections::HashMap<&ScopeKey, &LogRow> = Default::default();
    for (row, _, key) in &explained {
        if let Some(k) = key {
            first_of.entry(k).or_insert(*row);
        }
    }
    let (keys, firsts): (Vec<&ScopeKey>, Vec<&LogRow>) = first_of.into_iter().unzip();
    let scopes: std::collections::HashMap<&ScopeKey, ScopeReading> = keys
        .into_iter()
        .zip(
            store
                .impact_scopes(&firsts, SCOPE_WINDOW_MINUTES, vis)
                .await?,
        )
        .collect();
    Ok(explained
        .iter()
        .map(|(row, e, key)| {
            let resolution = e.as_ref().map(|e| {
                key.as_ref()
                    .and_then(|k| scopes.get(k).cloned())
                    .unwrap_or_default()
                    .resolve(e)
            });
            RowView {
                attempts: attempts.get(&row.request_id).copied().unwrap_or(1),
                row: (*row).clone(),
                time: zone.format_ms(row.ts_ms),
                resolution,
            }
        })
        .collect())
}

/// Sorting slowest first reads every match (no index orders the rows by latency), so a page is
/// sorted only while its matches stay within the count's cap; past it the page stays newest
/// first and `notices` says why. The count, when it was taken.
pub async fn keep_sort_in_reach(
    store: &Store,
    filter: &mut LogFilter,
    vis: Visibility,
    notices: &mut Vec<Notice>,
) -> Result<Option<u64>, StoreError> {
    if filter.sort != Sort::Slowest {
        return Ok(None);
    }
    let count = store.count(filter, vis).await?;
    if count > COUNT_CAP {
        filter.sort = Sort::Newest;
        filter.cursor = None;
        notices.push(Notice::TooManyToSort { cap: COUNT_CAP });
    }
    Ok(Some(count))
}

pub async fn list_logs(query: LogQuery) -> Result<LogPage, PageError> {
    let viewer = Viewer::current()?;
    let zone = viewer_zone(query.tz.as_deref()).await;
    list_logs_as(&store()?, &viewer, zone, query).await
}

/// One page of the logs `viewer` may see, in `zone`: the Usage Logs page and the read API.
pub async fn list_logs_as(
    store: &Store,
    viewer: &Viewer,
    zone: Zone,
    query: LogQuery,
) -> Result<LogPage, PageError> {
    let vis = viewer.visibility();
    // Rows come from a replica when there are some; the lookup audit is written to the primary.
    let reads = &store.for_reads();
    let mut notices: Vec<Notice> = zone_notice(query.tz.as_deref(), &zone)
        .into_iter()
        .chain(lag_notice(reads).await?)
        .collect();
    let now = now_ms();
    let (mut filter, mut errors) =
        query.validate_on(now, zone.today_start(now), |s| zone.parse_local(s));
    errors.extend(viewer.check_filter(&mut filter));
    if errors.iter().any(|e| e.blocks_results()) {
        // Rows with the bad filter dropped would pass for the answer: show none until it is fixed.
        return Ok(LogPage {
            rows: Vec::new(),
            count: 0,
            capped: false,
            next_cursor: None,
            sort: filter.sort,
            errors,
            facets: reads.facets(vis).await?,
            zone: zone.label(now),
            jump_to: None,
            own_only: vis.user().is_some(),
            admin_fields: viewer.role().sees_admin_fields(),
            notices,
        });
    }

    // A request ID pasted into the keyword box goes straight to that request.
    let mut jump_to = None;
    if let Some(k) = &filter.keyword {
        if !k.contains(char::is_whitespace) && k.len() >= 8 {
            jump_to = reads.find_request(k, vis).await?;
            if jump_to.is_some() {
                filter.request_id = filter.keyword.take();
            }
        }
    }
    let counted = keep_sort_in_reach(reads, &mut filter, vis, &mut notices).await?;
    let page = async {
        match counted {
            Some(count) => Ok((reads.list(&filter, vis).await?, count)),
            None => reads.page(&filter, vis).await,
        }
    };
    let ((mut rows, count), facets) = tokio::try_join!(page, reads.facets(vis))?;
    let next_cursor = if rows.len() > filter.page_size as usize {
        rows.truncate(filter.page_size as usize);
        rows.last()
            .map(|r| crate::domain::filter::Cursor::after(filter.sort, r).encode())
    } else {
        None
    };
    if filter.request_id.is_some() {
        for r in &rows {
            record_lookup(store, viewer, r, LookupKind::RequestIdSearch).await?;
        }
    }
    for r in &mut rows {
        viewer.redact(r);
    }
    Ok(LogPage {
        rows: resolve_rows(reads, &rows, zone, vis).await?,
        count: count.min(COUNT_CAP),
        capped: count > COUNT_CAP,
        next_cursor,
        sort: filter.sort,
        errors,
        facets,
        zone: zone.label(now),
        jump_to,
        own_only: vis.user().is_some(),
        admin_fields: viewer.role().sees_admin_fields(),
        notices,
    })
}

pub async fn log_details(
    id: i64,
    tz: Option<String>,
    lang: Option<String>,
) -> Result<Option<RequestDetails>, PageError> {
    let a = Asker::current(tz.as_deref(), lang.as_deref()).await?;
    let details = log_details_as(&a.store, &a.viewer, a.zone, a.lang, id).await?;
    if details.is_none() {
        not_found_page();
    }
    Ok(details)
}

/// Everything about row `id` that `viewer` may see (None: no such row for them).
pub async fn log_details_as(
    store: &Store,
    viewer: &Viewer,
    zone: Zone,
    lang: Lang,
    id: i64,
) -> Result<Option<RequestDetails>, PageError> {
    let reads = &store.for_reads();
    let Some(mut row) = reads.get(id, viewer.visibility()).await? else {
        return Ok(None);
    };
    record_lookup(store, viewer, &row, LookupKind::Details).await?;
    viewer.redact(&mut row);
    let mut attempts = reads
        .request_attempts(&row.request_id, viewer.visibility())
        .await?;
    if attempts.len() < 2 {
        attempts.clear();
    }
    for a in &mut attempts {
        viewer.redact(a);
    }
    let e = explain(&row);
    let reading = reads
        .impact_scope(&row, SCOPE_WINDOW_MINUTES, viewer.visibility())
        .await?;
    let resolution = (row.log_type == LogType::Error).then(|| reading.resolve(&e));
    let scope = reading.shown;
    let persisting = if row.log_type == LogType::Error {
        persisting(reads, &row, &zone, viewer.visibility()).await?
    } else {
        vec![]
    };
    let why = resolution
        .as_ref()
        .map(|r| why(r, &scope, &persisting, lang))
        .unwrap_or_default();
    let (meaning, action) = match (&e.entry, lang) {
        (Some(entry), _) => (
            entry.texts(lang).meaning.clone(),
            entry.texts(lang).action.clone(),
        ),
        (None, Lang::En) => (
            "Not in the catalogue: errscope does not recognise this error.".to_string(),
            "Read the error message for the real cause; check the impact scope below.".to_string(),
        ),
        (None, Lang::Zh) => (
            "目录中没有此错误：errscope 无法识别。".to_string(),
            "阅读错误信息找出真实原因；查看下方的影响范围。".to_string(),
        ),
    };
    let (first_seen, last_seen) = if scope.in_group > 0 {
        (
            zone.format_ms(scope.first_ms),
            zone.format_ms(scope.last_ms),
        )
    } else {
        (zone.format_ms(row.ts_ms), zone.format_ms(row.ts_ms))
    };
    let outcome = Outcome::of(&attempts).map(|o| o.describe(lang));
    let facts = SupportFacts {
        user_id: row.user_id,
        first_seen: first_seen.clone(),
        last_seen: last_seen.clone(),
        time_zone: zone.label(row.ts_ms),
        group: row.group.clone(),
        model: row.model.clone(),
        token: row.token_name.clone(),
        status_code: row.status_code,
        error_code: row.error_code.clone(),
        content: row.content.clone(),
        request_id: row.request_id.clone(),
        attempts: outcome.clone(),
        scope: scope.clone(),
        persisting: persisting.iter().map(|p| p.describe(lang)).collect(),
        attribution: resolution.clone(),
        why: why.clone(),
        first_action: action.clone(),
    };
    Ok(Some(RequestDetails {
        time: zone.format_ms(row.ts_ms),
        zone: zone.label(row.ts_ms),
        group_window_href: window_href(&row, &zone, scope.window_minutes, true),
        all_window_href: window_href(&row, &zone, scope.window_minutes, false),
        entry: e.entry.clone(),
        recognised: e.kind,
        inner: e.inner.clone(),
        resolution,
        why,
        scope_texts: ScopeTexts::of(&scope, &row.group, lang),
        persisting,
        support_message: support_message(&facts, lang),
        attempts: attempts
            .iter()
            .map(|a| AttemptView {
                id: a.id,
                time: zone.format_ms(a.ts_ms),
                failed: is_failure(a),
                status_code: a.status_code,
                error_code: a.error_code.clone(),
                content: a.content.clone(),
                channel: a.channel.clone(),
                attribution: a.attribution,
                current: a.id == row.id,
            })
            .collect(),
        outcome,
        scope,
        first_seen,
        last_seen,
        meaning,
        action,
        lang,
        row,
    }))
}

/// How long the same failure (status and catalogue entry) has been going on for the row's
/// token, model and group: today and this week in the viewer's zone. Each count is the
/// Usage Logs filter it links to, counted by the store, so the number and its rows agree.
async fn persisting(
    store: &Store,
    row: &LogRow,
    zone: &Zone,
    vis: Visibility,
) -> Result<Vec<Persisting>, StoreError> {
    let now = now_ms();
    let mut queries = Vec::new();
    for span in [Span::Today, Span::Week] {
        for dimension in Dimension::ALL {
            let mut q = LogQuery {
                range: Some("custom".into()),
                from: Some(zone.span_start(now, span)),
                // The form reads whole minutes and ends before `to`.
                to: Some(zone.input_value(now + 60_000)),
                status: row.status_code.map(|s| s.to_string()),
                entry: row.entry_id.clone(),
                tz: Some(zone.name().into()),
                ..LogQuery::default()
            };
            match dimension {
                Dimension::Token => q.token = Some(row.token_name.clone()),
                Dimension::Model => q.model = Some(row.model.clone()),
                Dimension::Group => q.group = Some(row.group.clone()),
            }
            queries.push((span, dimension, q));
        }
    }
    let counts = futures::future::try_join_all(queries.iter().map(|(_, _, q)| {
        let (filter, _) = q.validate(now, |s| zone.parse_local(s));
        async move { store.count(&filter, vis).await }
    }))
    .await?;
    Ok(queries
        .into_iter()
        .zip(counts)
        .map(|((span, dimension, q), n)| Persisting {
            dimension,
            span,
            count: n.min(COUNT_CAP),
            capped: n > COUNT_CAP,
            href: q.href(),
        })
        .collect())
}

/// A details page for a row that does not exist, or is not the viewer's (the same answer),
/// is a 404. Server-function calls keep their 200: the empty answer says it.
fn not_found_page() {
    use leptos::prelude::use_context;
    let page = use_context::<axum::http::request::Parts>()
        .is_some_and(|p| !p.uri.path().starts_with("/api/"));
    if let (true, Some(res)) = (page, use_context::<leptos_axum::ResponseOptions>()) {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
}

/// The logs around a row (±window), in the viewer's zone, of its signature (status and
/// catalogue entry), in its group or in every group: the rows the impact scope counts.
fn window_href(row: &LogRow, zone: &Zone, window_minutes: i64, same_group: bool) -> String {
    let (lo, hi) = crate::domain::scope::scope_window(row.ts_ms, window_minutes);
    let q = LogQuery {
        range: Some("custom".into()),
        from: Some(zone.input_value_seconds(lo)),
        to: Some(zone.input_value_seconds(hi)),
        tz: Some(zone.name().into()),
        status: row.status_code.map(|s| s.to_string()),
        entry: row.entry_id.clone(),
        group: same_group.then(|| row.group.clone()),
        ..LogQuery::default()
    };
    q.href()
}

//! `GET /logs.csv?<filter>`: every row of the current filter the viewer may see, streamed in
//! keyset pages, UTF-8 with a BOM so spreadsheet programs show Chinese correctly. The columns
//! are the ingest record's fields, so an export can be imported again.
use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;

use crate::domain::filter::{Cursor, LogFilter, LogQuery};
use crate::domain::lang::Lang;
use crate::server::csv_format::{header, record};
use crate::server::http::fault::Fault;
use crate::server::store::{Store, Visibility};
use crate::server::time::{now_ms, Zone};

use crate::server::auth::audit::record_export;
use crate::server::auth::Viewer;

const PAGE: u32 = 1_000;

fn to_csv(rows: &[Vec<String>]) -> Bytes {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        // Writing to a Vec cannot fail.
        let _ = w.write_record(r);
    }
    Bytes::from(w.into_inner().unwrap_or_default())
}

struct Export {
    /// Where the audit is written (the primary).
    store: Store,
    /// Where the rows are read (a replica, when there are some).
    reads: Store,
    filter: LogFilter,
    vis: Visibility,
    viewer: Viewer,
    done: bool,
    /// The query as asked, and the rows sent so far: the audit's record of the export.
    query: String,
    rows: u64,
}

/// An export is audited when it ends, finished or cut off, with the rows it sent.
impl Drop for Export {
    fn drop(&mut self) {
        let (store, viewer) = (self.store.clone(), self.viewer.clone());
        let (query, rows) = (std::mem::take(&mut self.query), self.rows);
        tokio::spawn(async move {
            if let Err(e) = record_export(&store, &viewer, &query, rows).await {
                tracing::error!("audit of a csv export: {e}");
            }
        });
    }
}

pub async fn logs_csv(
    State(store): State<Store>,
    headers: axum::http::HeaderMap,
    viewer: Option<axum::Extension<Viewer>>,
    query: Result<Query<LogQuery>, QueryRejection>,
) -> Response {
    let query = match query {
        Ok(Query(q)) => q,
        Err(e) => return (StatusCode::BAD_REQUEST, format!("invalid query: {e}")).into_response(),
    };
    let cookie = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(Zone::from_cookie_header);
    let zone = Zone::pick([query.tz.as_deref(), cookie.as_deref()]);
    let now = now_ms();
    let (mut filter, mut errors) =
        query.validate_on(now, zone.today_start(now), |s| zone.parse_local(s));
    if let Some(axum::Extension(v)) = &viewer {
        errors.extend(v.check_filter(&mut filter));
    }
    if let Some(e) = errors.first() {
        return (
            StatusCode::BAD_REQUEST,
            format!("{}: {}", e.field, e.problem),
        )
            .into_response();
    }
    filter.page_size = PAGE;
    filter.cursor = None;
    let viewer = match viewer {
        Some(axum::Extension(v)) => v,
        None => return (StatusCode::UNAUTHORIZED, "sign in to export logs").into_response(),
    };
    let reads = store.for_reads();
    if let Err(e) = crate::server::views::logs::keep_sort_in_reach(
        &reads,
        &mut filter,
        viewer.visibility(),
        &mut Vec::new(),
    )
    .await
    {
        let fault = Fault::from(e);
        return (fault.status(), fault.message(Lang::En)).into_response();
    }
    let admin = viewer.role().sees_admin_fields();
    let header_row = header(admin);
    let mut head = b"\xEF\xBB\xBF".to_vec();
    head.extend_from_slice(&to_csv(&[header_row]));
    let state = Export {
        store,
        reads,
        vis: viewer.visibility(),
        filter,
        viewer,
        done: false,
        query: query.to_query_string(),
        rows: 0,
    };
    let pages = futures::stream::unfold(state, move |mut s| async move {
        if s.done {
            return None;
        }
        match s.reads.list(&s.filter, s.vis).await {
            Ok(mut rows) => {
                s.done = rows.len() <= PAGE as usize;
                rows.truncate(PAGE as usize);
                s.rows += rows.len() as u64;
                if let Some(last) = rows.last() {
                    s.filter.cursor = Some(Cursor::after(s.filter.sort, last));
                }
                let records: Vec<Vec<String>> = rows
                    .iter_mut()
                    .map(|r| {
                        s.viewer.redact(r);
                        record(r, admin)
                    })
                    .collect();
                Some((Ok::<Bytes, std::io::Error>(to_csv(&records)), s))
            }
            Err(e) => {
                tracing::error!("csv export: {e}");
                s.done = true;
                Some((Err(std::io::Error::other(e.to_string())), s))
            }
        }
    });
    // Fused: the compression layer may poll again after the end, which `unfold` forbids.
    let body = futures::stream::once(async move { Ok(Bytes::from(head)) })
        .chain(pages)
        .fuse();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"errscope-logs.csv\"",
            ),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

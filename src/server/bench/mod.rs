//! `errscope bench`: loads a realistic dataset into a fresh database, runs the console's query
//! mix through errscope's own store and HTTP app, runs new-api's query strategy on the same
//! rows as the baseline, and prints medians, tail latencies and ratios against the brief's
//! targets. Exits non-zero when a target is missed (unless `--report-only`).
mod baseline;
mod live_tail;
mod load;
mod replica;
mod report;
mod samples;
mod sync;

use std::time::{Duration, Instant};

use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::Router;
use tower::ServiceExt;

use crate::domain::filter::{url_encode, LogFilter};
use crate::server::auth::accounts::{create, NewAccount};
use crate::server::auth::session::SessionSettings;
use crate::server::cli::{BenchArgs, ServeArgs};
use crate::server::http::router::{app, leptos_options, Frontend};
use sqlx::migrate::MigrateDatabase;

use crate::server::store::{Backend, Store, StoreOptions, Visibility};
use crate::server::time::now_ms;
use report::{Measure, Outcome, Target};

type BoxError = Box<dyn std::error::Error>;

/// One query of the mix: the page errscope serves, and what new-api would run for it.
struct Case {
    name: &'static str,
    url: String,
    baseline: Option<baseline::Filter>,
    target: Target,
    /// The brief's "at least 50x faster than new-api" applies to this case.
    ratio_target: bool,
}

fn page_case(name: &'static str, query: &str, baseline: baseline::Filter) -> Case {
    Case {
        name,
        url: format!("/logs?{query}"),
        baseline: Some(baseline),
        target: Target::P95Ms(25.0),
        ratio_target: false,
    }
}

fn eq(col: &'static str, v: &str) -> Vec<(&'static str, String)> {
    vec![(col, v.to_string())]
}

fn cases(depth: u64, deep_cursor: &str) -> Vec<Case> {
    use baseline::Filter as F;
    let day_s = now_ms() / 1000 - 86_400;
    let week_s = now_ms() / 1000 - 7 * 86_400;
    let mut c = vec![
        page_case("first page, no filter", "range=", F::default()),
        page_case(
            "time range 24 h",
            "range=24h",
            F {
                from_s: Some(day_s),
                ..F::default()
            },
        ),
        page_case(
            "model",
            "range=&model=gpt-4o",
            F {
                equal: eq("model_name", "gpt-4o"),
                ..F::default()
            },
        ),
        page_case(
            "token",
            "range=&token=alice-laptop",
            F {
                equal: eq("token_name", "alice-laptop"),
                ..F::default()
            },
        ),
        page_case(
            "group",
            "range=&group=vip",
            F {
                equal: eq("group", "vip"),
                ..F::default()
            },
        ),
        page_case(
            "user",
            "range=&user=1001",
            F {
                equal: eq("user_id", "1001"),
                ..F::default()
            },
        ),
        page_case(
            "status 502",
            "range=&status=502",
            F {
                status: Some(502),
                ..F::default()
            },
        ),
        page_case("status class 5xx", "range=&status=5xx", F::default()),
        page_case(
            "attribution upstream",
            "range=&attribution=upstream",
            F::default(),
        ),
        page_case(
            "user + time",
            "range=24h&user=1001",
            F {
                equal: eq("user_id", "1001"),
                from_s: Some(day_s),
                ..F::default()
            },
        ),
        page_case(
            "group + status",
            "range=&group=vip&status=502",
            F {
                equal: eq("group", "vip"),
                status: Some(502),
                ..F::default()
            },
        ),
        page_case(
            "model + status",
            "range=&model=claude-sonnet-4&status=429",
            F {
                equal: eq("model_name", "claude-sonnet-4"),
                status: Some(429),
                ..F::default()
            },
        ),
        page_case(
            "token + time",
            "range=7d&token=alice-laptop",
            F {
                equal: eq("token_name", "alice-laptop"),
                from_s: Some(week_s),
                ..F::default()
            },
        ),
    ];
    // Filters new-api cannot express the same way are compared with its unfiltered page.
    for case in c
        .iter_mut()
        .filter(|c| c.name.contains("class") || c.name.contains("attribution"))
    {
        case.baseline = None;
    }
    c.push(Case {
        name: "deep page (after 100,000 rows)",
        url: format!("/logs?range=&cursor={}", url_encode(deep_cursor)),
        baseline: Some(F {
            offset: depth,
            ..F::default()
        }),
        target: Target::P95Ms(25.0),
        ratio_target: true,
    });
    for (name, kw) in [
        ("keyword ASCII", "overloaded"),
        ("keyword Chinese", "请求失败"),
    ] {
        c.push(Case {
            name,
            url: format!("/logs?range=&q={}", url_encode(kw)),
            baseline: Some(F {
                like: Some(kw.into()),
                ..F::default()
            }),
            target: Target::P95Ms(50.0),
            ratio_target: true,
        });
    }
    for w in ["24h", "7d"] {
        c.push(Case {
            name: if w == "24h" {
                "Group Health 24 h"
            } else {
                "Group Health 7 d"
            },
            url: format!("/health?window={w}"),
            baseline: None,
            target: Target::P95Ms(100.0),
            ratio_target: false,
        });
    }
    c
}

async fn sign_in(router: &Router, store: &Store) -> Result<String, BoxError> {
    let password = "bench-password-1234";
    if store.account_by_username("bench").await?.is_none() {
        let admin = NewAccount {
            username: "bench".into(),
            password: password.into(),
            role: "admin".into(),
            relay_user_id: None,
        };
        create(store, &admin).await?;
    }
    let res = router
        .clone()
        .oneshot(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("username=bench&password={password}")))?,
        )
        .await?;
    let cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or("sign-in did not set a session cookie")?;
    Ok(cookie.to_string())
}

async fn fetch(router: &Router, cookie: &str, url: &str) -> Result<Duration, BoxError> {
    let req = Request::get(url)
        .header(header::COOKIE, cookie)
        .body(Body::empty())?;
    timed(router, req).await
}

/// Sends `req` through the app and reads the whole answer: how long it took, or why not OK.
pub(super) async fn timed(router: &Router, req: Request<Body>) -> Result<Duration, BoxError> {
    let started = Instant::now();
    let what = format!("{} {}", req.method(), req.uri());
    let res = router.clone().oneshot(req).await?;
    let status = res.status();
    to_bytes(res.into_body(), 64 << 20).await?;
    if status != StatusCode::OK {
        return Err(format!("{what} answered {status}").into());
    }
    Ok(started.elapsed())
}

async fn time_n<F, Fut>(n: usize, mut f: F) -> Result<Vec<Duration>, BoxError>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = Result<(), BoxError>>,
{
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        f(i).await?;
        out.push(t.elapsed());
    }
    Ok(out)
}

/// Loads the demo rows: a second thread generates the next batches while the store writes
/// one. Returns the rows stored, the wall time and the time spent in the store's inserts
/// (what the ingest rate is measured on: generating demo rows is not ingest).
async fn load(
    store: &Store,
    rows: usize,
    seed: u64,
) -> Result<(u64, Duration, Duration), BoxError> {
    let started = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::channel(2);
    let now = now_ms();
    let generator = tokio::task::spawn_blocking(move || {
        for batch in crate::server::demo::batches(rows, seed, now, 10_000) {
            if tx.blocking_send(batch).is_err() {
                break;
            }
        }
    });
    let (mut inserted, mut inserting) = (0, Duration::ZERO);
    let mut next_report = 1_000_000;
    while let Some(batch) = rx.recv().await {
        let t = Instant::now();
        inserted += store.insert_batch(&batch).await?.inserted;
        inserting += t.elapsed();
        if inserted >= next_report {
            eprintln!(
                "  loaded {inserted} rows ({:.0} rows/s in the store)",
                inserted as f64 / inserting.as_secs_f64()
            );
            next_report += 1_000_000;
        }
    }
    generator.await?;
    Ok((inserted, started.elapsed(), inserting))
}

pub async fn run(frontend: Frontend, args: &BenchArgs) -> Result<bool, BoxError> {
    let path = args.database_path();
    let url = match &args.postgres {
        Some(server) => {
            let url = format!("{}/errscope_bench", server.trim_end_matches('/'));
            if !args.reuse {
                let _ = sqlx::Postgres::force_drop_database(&url).await;
            }
            url
        }
        None => {
            if args.reuse && !std::path::Path::new(&path).exists() {
                return Err(
                    format!("--reuse: {path} does not exist (run with --keep first)").into(),
                );
            }
            for suffix in ["", "-wal", "-shm"].iter().filter(|_| !args.reuse) {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
            format!("sqlite://{path}")
        }
    };
    // No statement timeout: building the baseline's indexes on 10M rows takes a while.
    let options = StoreOptions {
        statement_timeout_ms: 0,
        ..StoreOptions::default()
    };
    let store = Store::connect_with(&url, &options).await?;
    store.migrate().await?;
    let path = if args.postgres.is_some() {
        url.clone()
    } else {
        path
    };
    let mut outcomes = Vec::new();

    if args.reuse {
        eprintln!("reusing the rows already in {path}");
    } else {
        eprintln!("loading {} demo rows into {path}", args.rows);
        let (inserted, took, inserting) = load(&store, args.rows, args.seed).await?;
        eprintln!("  {inserted} rows in {took:.1?} ({inserting:.1?} of it in the store's inserts)");
        let rate = inserted as f64 / inserting.as_secs_f64();
        outcomes.push(Outcome::throughput(
            "ingest, batched, with keyword index",
            rate,
            50_000.0,
        ));
        store.analyze().await?;

        eprintln!("building new-api's table and indexes for the baseline");
        let t = Instant::now();
        baseline::build(&store).await?;
        eprintln!("  baseline ready in {:.1?}", t.elapsed());
    }

    let pages_store = match &args.postgres_replica {
        Some(server) => replica::caught_up(&store, server, &options).await?,
        None => store.clone(),
    };
    let router = app(
        frontend,
        pages_store,
        leptos_options(&ServeArgs::default()),
        SessionSettings::default(),
    )
    .await?;
    let cookie = sign_in(&router, &store).await?;

    let (depth, deep) = samples::deep_cursor(&store).await?;
    eprintln!(
        "running the query mix ({} runs each, baseline {} runs)",
        args.runs, args.baseline_runs
    );

    for case in cases(depth, &deep.encode()) {
        fetch(&router, &cookie, &case.url).await?; // warm-up
        let ours = time_n(args.runs, |_| {
            let (router, cookie, url) = (&router, &cookie, &case.url);
            async move { fetch(router, cookie, url).await.map(|_| ()) }
        })
        .await?;
        // `--baseline-runs 0` (with `--reuse`): no comparison rather than a NaN one.
        let theirs = match &case.baseline {
            Some(f) if args.baseline_runs > 0 => Some(
                time_n(args.baseline_runs, |_| async {
                    baseline::page(&store, f)
                        .await
                        .map(|_| ())
                        .map_err(Into::into)
                })
                .await?,
            ),
            _ => None,
        };
        outcomes.push(Outcome::compare(
            case.name,
            Measure::of(&ours),
            theirs.as_deref().map(Measure::of),
            case.target,
            case.ratio_target,
        ));
        eprintln!("  {}", case.name);
    }

    // Group Health's first load after a start: no bucket kept from an earlier load.
    let url = "/health?window=7d";
    let cold = time_n(args.runs.min(10), |_| {
        let (router, cookie, store) = (&router, &cookie, &store);
        async move {
            store.forget_health_buckets();
            fetch(router, cookie, url).await.map(|_| ())
        }
    })
    .await?;
    outcomes.push(Outcome::timed(
        "Group Health 7 d, first load",
        &cold,
        Target::None,
    ));
    eprintln!("  Group Health 7 d, first load");

    // What `serve` does at a start (views::health::warm), and the first page after it.
    let (mut warming, mut after_start) = (Vec::new(), Vec::new());
    for _ in 0..args.runs.min(10) {
        store.forget_health_buckets();
        let t = Instant::now();
        crate::server::views::health::warm(&store).await?;
        warming.push(t.elapsed());
        let t = Instant::now();
        fetch(&router, &cookie, url).await?;
        after_start.push(t.elapsed());
    }
    outcomes.push(Outcome::timed(
        "Group Health, read ahead at start",
        &warming,
        Target::None,
    ));
    outcomes.push(Outcome::timed(
        "Group Health 7 d after a start",
        &after_start,
        Target::P95Ms(100.0),
    ));
    eprintln!("  Group Health 7 d after a start");

    // request_id lookups: a different id each time, through the store.
    let ids = samples::request_ids(&store, 200).await?;
    let ours = time_n(ids.len(), |i| {
        let (store, id) = (&store, &ids[i]);
        async move {
            store
                .find_request(id, Visibility::All)
                .await
                .map(|_| ())
                .map_err(Into::into)
        }
    })
    .await?;
    let theirs = time_n(args.baseline_runs.min(ids.len()), |i| {
        let f = baseline::Filter {
            equal: eq("request_id", &ids[i]),
            ..Default::default()
        };
        let store = &store;
        async move {
            baseline::page(store, &f)
                .await
                .map(|_| ())
                .map_err(Into::into)
        }
    })
    .await?;
    outcomes.push(Outcome::compare(
        "request_id lookup",
        Measure::of(&ours),
        (!theirs.is_empty()).then(|| Measure::of(&theirs)),
        Target::P99Ms(5.0),
        false,
    ));

    // The count (capped) and the details panel's impact scope.
    let all = LogFilter::default();
    let ours = time_n(args.runs, |_| {
        let (store, all) = (&store, &all);
        async move {
            store
                .count(all, Visibility::All)
                .await
                .map(|_| ())
                .map_err(Into::into)
        }
    })
    .await?;
    outcomes.push(Outcome::timed(
        "count (capped at 10,000)",
        &ours,
        Target::None,
    ));
    let sample: Vec<_> = {
        let f = LogFilter {
            page_size: 50,
            ..LogFilter::default()
        };
        store.list(&f, Visibility::All).await?
    };
    let ours = time_n(sample.len().min(args.runs), |i| {
        let (store, row) = (&store, &sample[i]);
        async move {
            store
                .impact_scope(row, 10, crate::server::store::Visibility::All)
                .await
                .map(|_| ())
                .map_err(Into::into)
        }
    })
    .await?;
    outcomes.push(Outcome::timed(
        "impact scope (details panel)",
        &ours,
        Target::None,
    ));

    if args.load_seconds > 0 {
        eprintln!(
            "load: {} clients for {} s",
            args.load_clients, args.load_seconds
        );
        let urls: Vec<String> = cases(depth, &deep.encode())
            .into_iter()
            .map(|c| c.url)
            .collect();
        outcomes.extend(
            load::measure(
                &router,
                &cookie,
                &urls,
                args.load_clients,
                args.load_seconds,
            )
            .await?,
        );
    }
    if args.live_seconds > 0 {
        eprintln!("live tail: 100 tabs for {} s", args.live_seconds);
        outcomes.extend(live_tail::measure(&router, &cookie, args.live_seconds).await?);
    }
    if args.sync_rows > 0 {
        outcomes.push(sync::measure(args.sync_rows, args.postgres.as_deref()).await?);
    }
    outcomes.extend(report::page_weight(&args.site_root));
    let ok = report::print(&outcomes, args.rows, store.backend());
    if !(args.keep || args.reuse) {
        let backend = store.backend();
        drop(router);
        drop(store);
        match backend {
            Backend::Postgres => {
                let _ = sqlx::Postgres::force_drop_database(url).await;
            }
            Backend::Sqlite => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
        }
    }
    Ok(ok || args.report_only)
}

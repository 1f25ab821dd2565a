//! What live tail costs the server: `TABS` signed-in tabs with the switch on, each fetching
//! the first page of Usage Logs again (one request per refresh, as the browser does) every
//! `LIVE_SECONDS`, their clocks spread over the interval. Reports one
//! refresh's latency and the CPU the process spent per second, as a share of one core.
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request};
use axum::Router;

use super::report::{Outcome, Target};
use super::{timed, BoxError};
use crate::shared::live_tail::LIVE_SECONDS;

/// The process's user and system CPU time so far (Linux: `/proc/self/stat`; clock ticks of
/// 1/100 s, as the kernel reports them to user space).
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// One refresh: the page the tab shows, fetched again.
async fn refresh(router: &Router, cookie: &str) -> Result<Duration, BoxError> {
    let req = Request::get("/logs?range=")
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())?;
    timed(router, req).await
}

/// Live tabs in the case.
const TABS: u64 = 100;

/// Runs the live tabs for `seconds` and reports a refresh's latency and the CPU share.
pub async fn measure(
    router: &Router,
    cookie: &str,
    seconds: u64,
) -> Result<Vec<Outcome>, BoxError> {
    let tabs = TABS;
    let interval = Duration::from_secs(LIVE_SECONDS);
    let (started, cpu_before) = (Instant::now(), cpu_time());
    let until = started + Duration::from_secs(seconds);
    let runs = (0..tabs).map(|tab| {
        let (router, cookie) = (router.clone(), cookie.to_string());
        tokio::spawn(async move {
            let mut next = started + interval.mul_f64(tab as f64 / tabs.max(1) as f64);
            let mut took = Vec::new();
            while next < until {
                tokio::time::sleep_until(next.into()).await;
                took.push(refresh(&router, &cookie).await.map_err(|e| e.to_string())?);
                next += interval;
            }
            Ok::<_, String>(took)
        })
    });
    let mut took = Vec::new();
    for run in futures::future::join_all(runs).await {
        took.extend(run??);
    }
    let wall = started.elapsed();
    let cpu = cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    let mut out = vec![Outcome::timed(
        "live tail: a refresh, 100 tabs every 5 s",
        &took,
        Target::P95Ms(100.0),
    )];
    if let Some(cpu) = cpu {
        out.push(Outcome::Value {
            name: "live tail, 100 tabs: CPU, % of one core",
            value: cpu.as_secs_f64() * 100.0 / wall.as_secs_f64(),
            unit: "%",
            limit: 50.0,
            higher_is_better: false,
        });
    }
    eprintln!(
        "  live tail: {} refreshes by {tabs} tabs in {wall:.1?}",
        took.len()
    );
    Ok(out)
}

//! Load: `clients` signed-in clients, each on its own keep-alive connection, request the query
//! mix back to back for a while over real HTTP on loopback, asking for gzip as browsers do.
//! Reports pages per second, a page's latency under that load and the failed requests. The
//! clients run in the same process (on the same two cores) as the server they measure.
use std::time::{Duration, Instant};

use axum::Router;

use super::report::{Outcome, Target};
use super::BoxError;

/// One client: requests the mix in turn, starting at its own place in it, until `until`.
async fn client(
    base: String,
    cookie: String,
    urls: Vec<String>,
    first: usize,
    until: Instant,
) -> (Vec<Duration>, u64) {
    let Ok(http) = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(30))
        .build()
    else {
        return (Vec::new(), 1);
    };
    let (mut took, mut failed) = (Vec::new(), 0);
    for url in urls.iter().cycle().skip(first) {
        if Instant::now() >= until {
            break;
        }
        let started = Instant::now();
        let answer = http
            .get(format!("{base}{url}"))
            .header("cookie", &cookie)
            .header("accept-encoding", "gzip")
            .send()
            .await;
        let whole = match answer {
            Ok(res) if res.status().is_success() => res.bytes().await.is_ok(),
            _ => false,
        };
        if whole {
            took.push(started.elapsed());
        } else {
            failed += 1;
        }
    }
    (took, failed)
}

/// Serves `router` on a loopback port and runs `clients` clients over `urls` for `seconds`.
pub async fn measure(
    router: &Router,
    cookie: &str,
    urls: &[String],
    clients: usize,
    seconds: u64,
) -> Result<Vec<Outcome>, BoxError> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = router
        .clone()
        .into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let runs = (0..clients).map(|i| {
        let first = i % urls.len().max(1);
        tokio::spawn(client(
            base.clone(),
            cookie.to_string(),
            urls.to_vec(),
            first,
            until,
        ))
    });
    let (mut took, mut failed) = (Vec::new(), 0);
    for run in futures::future::join_all(runs).await {
        let (t, f) = run?;
        took.extend(t);
        failed += f;
    }
    let wall = started.elapsed();
    server.abort();
    eprintln!(
        "  load: {} pages and {failed} failures by {clients} clients in {wall:.1?}",
        took.len()
    );
    Ok(vec![
        Outcome::Value {
            name: "load: pages per second",
            value: took.len() as f64 / wall.as_secs_f64(),
            unit: "pages/s",
            limit: 600.0,
            higher_is_better: true,
        },
        Outcome::timed("load: a page", &took, Target::P99Ms(300.0)),
        Outcome::Value {
            name: "load: failed requests",
            value: failed as f64,
            unit: "",
            limit: 1.0,
            higher_is_better: false,
        },
    ])
}

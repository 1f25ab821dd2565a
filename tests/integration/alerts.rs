//! Alerts against a local webhook receiver: a planted storm fires exactly one alert with its
//! group, attribution and link, its end fires the resolve message, a failing receiver gets
//! retries that the delivery log shows, a restart delivers what was pending, forbidden
//! addresses are refused, and a storm pushed through the ingest API reaches the receiver of
//! a running server within two evaluation intervals.
use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use common::server::{create_key, Server};
use errscope::domain::alert::{test_finding, DeliveryState, Event, RuleInput};
use errscope::domain::lang::Lang;
use errscope::server::alerts::admin::add_rule;
use errscope::server::alerts::target::TargetPolicy;
use errscope::server::alerts::{deliver_due, evaluate_all, queued};
use errscope::server::auth::Viewer;
use errscope::server::ingest::prepare_value;
use errscope::server::store::Store;
use errscope::server::time::{now_ms, Zone};
use errscope::server::views::health::{group_health_as, Latencies};

/// What the receiver got: headers and body of each request.
type Got = Arc<Mutex<Vec<(HeaderMap, String)>>>;

struct Receiver {
    port: u16,
    got: Got,
    /// Requests still to answer with 500.
    fail_next: Arc<AtomicUsize>,
}

impl Receiver {
    async fn start() -> Receiver {
        Receiver::on(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap())
    }

    fn on(listener: tokio::net::TcpListener) -> Receiver {
        let port = listener.local_addr().unwrap().port();
        let got: Got = Arc::default();
        let fail_next = Arc::new(AtomicUsize::new(0));
        let (g, f) = (got.clone(), fail_next.clone());
        let app = axum::Router::new().route(
            "/hook",
            post(move |headers: HeaderMap, body: String| {
                let (g, f) = (g.clone(), f.clone());
                async move {
                    g.lock().unwrap().push((headers, body));
                    let failing = f
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok();
                    if failing {
                        (StatusCode::INTERNAL_SERVER_ERROR, "down for maintenance")
                    } else {
                        (StatusCode::OK, r#"{"errcode":0,"errmsg":"ok"}"#)
                    }
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver {
            port,
            got,
            fail_next,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    fn bodies(&self) -> Vec<Value> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .map(|(_, b)| serde_json::from_str(b).unwrap())
            .collect()
    }
}

const LOCAL: TargetPolicy = TargetPolicy {
    allow_loopback: true,
    own: None,
};

fn rule(name: &str, webhook: &str, format: &str) -> RuleInput {
    RuleInput {
        name: name.into(),
        webhook: webhook.into(),
        format: format.into(),
        notify_resolved: true,
        ..RuleInput::default()
    }
}

/// A 502 storm in group vip over the last two and a half minutes (300 failures from 30
/// tokens) on top of ordinary successful traffic in three groups.
fn storm(now: i64) -> Vec<Value> {
    let mut rows: Vec<Value> = (0..300)
        .map(|i| {
            json!({
                "time": now - 1_000 - i * 500,
                "user_id": 100 + i % 30,
                "token_name": format!("tok-{}", i % 30),
                "group": "vip",
                "model": "gpt-4o",
                "request_id": format!("storm-{i}"),
                "status_code": 502,
                "content": "bad response status code 502",
            })
        })
        .collect();
    rows.extend((0..300).map(|i| {
        let group = ["vip", "default", "svip"][i as usize % 3];
        json!({
            "time": now - 1_000 - i * 10_000,
            "type": "consume",
            "user_id": 200 + i % 20,
            "token_name": format!("ok-{}", i % 20),
            "group": group,
            "model": "gpt-4o",
            "request_id": format!("ok-{i}"),
        })
    }));
    rows
}

async fn plant_storm(store: &Store, now: i64) {
    let rows: Vec<_> = storm(now)
        .into_iter()
        .map(|v| prepare_value(v).unwrap())
        .collect();
    store.insert_batch(&rows).await.unwrap();
}

fn hmac_hex(secret: &str, message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn a_storm_fires_exactly_one_alert_and_its_end_one_resolve_message() {
    let (store, _db) = common::store().await;
    let rx = Receiver::start().await;
    let input = RuleInput {
        secret: "s3cret".into(),
        ..rule("ops", &rx.url(), "json")
    };
    add_rule(&store, &LOCAL, &input).await.unwrap();
    let now = now_ms();
    plant_storm(&store, now).await;
    let public = Some("https://errscope.example.com/");

    assert_eq!(evaluate_all(&store, public, now).await.unwrap(), 1);
    assert_eq!(
        evaluate_all(&store, public, now + 60_000).await.unwrap(),
        0,
        "an open incident sends nothing more"
    );
    assert_eq!(deliver_due(&store, &LOCAL, now).await.unwrap(), 1);
    assert_eq!(deliver_due(&store, &LOCAL, now + 60_000).await.unwrap(), 0);

    // What Group Health itself says about the storm.
    let page = group_health_as(
        &store,
        &Viewer::system(),
        Zone::default(),
        Lang::En,
        "1h",
        None,
        Latencies::Skip,
    )
    .await
    .unwrap();
    let signal = page
        .signals
        .iter()
        .find(|s| s.groups == ["vip"])
        .expect("Group Health finds the storm");

    let got = rx.got.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "exactly one alert");
    let (headers, raw) = &got[0];
    let body: Value = serde_json::from_str(raw).unwrap();
    assert_eq!(body["event"], "firing");
    assert_eq!(body["groups"], json!(["vip"]));
    assert_eq!(body["attribution"], signal.attribution.as_str());
    assert_eq!(body["sentence"], signal.sentence);
    assert_eq!(body["errors"], 300);
    assert_eq!(
        body["url"],
        format!("https://errscope.example.com{}", signal.href)
    );
    assert!(signal.href.contains("group=vip") && signal.href.contains("status=502"));
    let ts = headers["x-errscope-timestamp"].to_str().unwrap();
    assert_eq!(
        headers["x-errscope-signature"].to_str().unwrap(),
        format!("sha256={}", hmac_hex("s3cret", &format!("{ts}.{raw}")))
    );

    // The storm no longer counts for the rule (as when it leaves the window): resolved.
    store
        .execute_raw("UPDATE alert_rules SET min_errors = 100000")
        .await
        .unwrap();
    assert_eq!(
        evaluate_all(&store, public, now + 120_000).await.unwrap(),
        1
    );
    assert_eq!(deliver_due(&store, &LOCAL, now + 120_000).await.unwrap(), 1);
    let bodies = rx.bodies();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[1]["event"], "resolved");
    assert_eq!(bodies[1]["incident"], bodies[0]["incident"]);
    assert!(bodies[1]["text"]
        .as_str()
        .unwrap()
        .contains("No longer found in the last 1 hour"));
}

#[tokio::test]
async fn a_failing_receiver_gets_retries_and_the_log_shows_them() {
    let (store, _db) = common::store().await;
    let rx = Receiver::start().await;
    rx.fail_next.store(2, Ordering::SeqCst);
    let r = add_rule(&store, &LOCAL, &rule("feishu-ops", &rx.url(), "feishu"))
        .await
        .unwrap();
    let now = now_ms();
    let m = queued(&r, Event::Firing, &test_finding(Lang::Zh), None);
    store.queue_alert(&r, m, now).await.unwrap();

    assert_eq!(deliver_due(&store, &LOCAL, now).await.unwrap(), 0);
    assert_eq!(
        deliver_due(&store, &LOCAL, now + 10_000).await.unwrap(),
        0,
        "not due before its backoff"
    );
    assert_eq!(rx.got.lock().unwrap().len(), 1);
    assert_eq!(deliver_due(&store, &LOCAL, now + 30_000).await.unwrap(), 0);
    assert_eq!(
        deliver_due(&store, &LOCAL, now + 30_000 + 120_000)
            .await
            .unwrap(),
        1
    );
    assert_eq!(rx.got.lock().unwrap().len(), 3);

    let log = store.alert_deliveries(10).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].state, log[0].attempts), (DeliveryState::Sent, 3));
    assert!(log[0].answer.as_deref().unwrap().starts_with("HTTP 200"));
    // Feishu's body shape.
    assert_eq!(rx.bodies()[2]["msg_type"], "text");
}

#[tokio::test]
async fn a_restart_delivers_what_was_pending() {
    let (store, db) = common::store().await;
    // A port nothing listens on yet.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let webhook = format!("http://127.0.0.1:{port}/hook");
    let r = add_rule(&store, &LOCAL, &rule("later", &webhook, "slack"))
        .await
        .unwrap();
    let now = now_ms();
    let m = queued(&r, Event::Firing, &test_finding(Lang::En), None);
    store.queue_alert(&r, m, now).await.unwrap();
    assert_eq!(deliver_due(&store, &LOCAL, now).await.unwrap(), 0);
    let log = store.alert_deliveries(1).await.unwrap();
    assert_eq!(log[0].state, DeliveryState::Pending);
    assert_eq!(log[0].answer.as_deref(), Some("could not connect"));
    drop(store);

    // errscope starts again; the receiver is back.
    let rx = Receiver::on(
        tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap(),
    );
    let store = Store::connect(&db.url).await.unwrap();
    assert_eq!(deliver_due(&store, &LOCAL, now + 30_000).await.unwrap(), 1);
    assert_eq!(rx.bodies()[0]["text"].as_str().unwrap().lines().count(), 4);
}

#[tokio::test]
async fn webhooks_to_metadata_loopback_or_nonsense_are_refused() {
    let (store, _db) = common::store().await;
    let strict = TargetPolicy::default();
    for (webhook, words) in [
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://100.100.100.200/latest/meta-data/", "cloud metadata"),
        ("http://127.0.0.1:9/hook", "loopback"),
        ("http://[::1]:9/hook", "loopback"),
        ("gopher://example.com/", "http:// or https://"),
    ] {
        let e = add_rule(&store, &strict, &rule("x", webhook, "json"))
            .await
            .unwrap_err();
        assert!(e.to_string().contains(words), "{webhook}: {e}");
    }
    assert!(store.alert_rules().await.unwrap().is_empty());
}

#[tokio::test]
async fn only_admins_manage_alert_rules() {
    let (store, _db) = common::store().await;
    let router = common::router(&store).await;
    let form = "name=x&webhook=https%3A%2F%2F203.0.113.9%2Fhook&format=slack";
    for (role, relay_user) in [("support", None), ("user", Some(1))] {
        let cookie = common::sign_in_as(&router, &store, role, role, relay_user).await;
        let (status, ..) = common::post_text(&router, Some(&cookie), "/api/add_alert", form).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
    }
    let admin = common::sign_in_as(&router, &store, "boss", "admin", None).await;
    let (status, _, body) = common::post_text(&router, Some(&admin), "/api/add_alert", form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let bad = "name=y&webhook=http%3A%2F%2F169.254.169.254%2F&format=json";
    let (status, _, body) = common::post_text(&router, Some(&admin), "/api/add_alert", bad).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("cloud metadata address"), "{body}");
    let names: Vec<String> = store
        .alert_rules()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["x"]);
}

#[test]
fn a_storm_pushed_to_a_running_server_reaches_the_receiver_within_two_intervals() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let rx = rt.block_on(Receiver::start());
    let db = common::TestDb::new();
    let interval = 3;
    let server = Server::start_with(
        &db.url,
        3231,
        &[
            "--alert-interval-seconds",
            &interval.to_string(),
            "--alert-allow-loopback",
            "true",
            "--public-url",
            "http://errscope.test",
        ],
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_errscope"))
        .args(["alert", "add", "--name", "ops", "--format", "slack"])
        .args(["--webhook", &rx.url(), "--alert-allow-loopback", "true"])
        .args(["--database-url", &db.url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = create_key(&db.url);

    let body: String = storm(now_ms()).iter().map(|v| format!("{v}\n")).collect();
    let (status, v) = server.post(&key, &body);
    assert_eq!(status, 200, "{v}");
    let pushed = Instant::now();
    // Two intervals, and a little for the evaluation and the request themselves.
    let deadline = Duration::from_secs(2 * interval + 2);
    while rx.got.lock().unwrap().is_empty() {
        assert!(pushed.elapsed() < deadline, "no alert within two intervals");
        std::thread::sleep(Duration::from_millis(100));
    }
    let text = rx.bodies()[0]["text"].as_str().unwrap().to_string();
    assert!(text.contains("group vip"), "{text}");
    assert!(text.contains("Rows: http://errscope.test/logs?"), "{text}");
    drop(server);
}

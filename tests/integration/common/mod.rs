//! Shared by the integration tests: a store on a fresh database (a temporary SQLite file, or
//! with `ERRSCOPE_TEST_STORE=postgres` a new PostgreSQL database on `ERRSCOPE_TEST_POSTGRES`,
//! dropped afterwards), rows to seed it with, and the HTTP app with signed-in sessions.
#![allow(dead_code)]
pub mod server;
use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use axum::Router;
use tower::ServiceExt;

use errscope::server::auth::accounts::{create, NewAccount};
use errscope::server::auth::session::SessionSettings;
use errscope::server::cli::ServeArgs;
use errscope::server::http::router::{app, leptos_options};
use errscope::server::ingest::{prepare, IngestRecord};
use errscope::server::store::Store;

pub struct Dir(pub std::path::PathBuf);

/// The PostgreSQL server the suite runs on, when `ERRSCOPE_TEST_STORE=postgres`.
pub fn postgres_server() -> Option<String> {
    (std::env::var("ERRSCOPE_TEST_STORE").as_deref() == Ok("postgres")).then(|| {
        std::env::var("ERRSCOPE_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
    })
}

/// A fresh database for one test, on the backend the suite runs on; removed when dropped.
pub struct TestDb {
    pub url: String,
    pub dir: Dir,
    postgres: Option<(String, String)>,
}

impl TestDb {
    pub fn new() -> TestDb {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let dir = Dir::new();
        match postgres_server() {
            Some(server) => {
                let name = format!(
                    "errscope_test_{}_{}_{}",
                    std::process::id(),
                    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .subsec_nanos()
                );
                TestDb {
                    url: format!("{server}/{name}"),
                    dir,
                    postgres: Some((server, name)),
                }
            }
            None => TestDb {
                url: format!("sqlite://{}/t.db", dir.0.display()),
                dir,
                postgres: None,
            },
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((server, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside and outside runtimes alike: a thread of its own does the async work.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                use sqlx::Connection;
                if let Ok(mut c) = sqlx::PgConnection::connect(&format!("{server}/postgres")).await
                {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut c)
                        .await;
                }
            });
        })
        .join();
    }
}

impl Dir {
    pub fn new() -> Dir {
        let p = std::env::temp_dir().join(format!(
            "errscope-test-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub async fn store() -> (Store, TestDb) {
    let db = TestDb::new();
    let store = Store::connect(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    (store, db)
}

pub fn record(i: i64, user: i64, status: u16, content: &str) -> IngestRecord {
    IngestRecord {
        time: Some(serde_json::json!(1_763_700_000_000_i64 + i * 1000)),
        user_id: Some(user),
        token_name: Some(format!("tok-{user}")),
        group: Some(if i % 2 == 0 { "vip" } else { "default" }.into()),
        model: Some("gpt-4o".into()),
        request_id: Some(format!("req-{i:06}")),
        status_code: Some(status),
        content: Some(content.into()),
        channel: Some(format!("channel-secret-{i}")),
        client_ip: Some(format!("203.0.113.{}", i % 250)),
        ..Default::default()
    }
}

/// `n` rows over users 1000..=1003, cycling 500/502/401 with ASCII and Chinese messages.
pub async fn seed(store: &Store, n: i64) {
    let rows: Vec<_> = (0..n)
        .map(|i| {
            let content = match i % 3 {
                0 => "请求失败 [429]: {\"message\":\"Too many requests\"}",
                1 => "bad response status code 502 from sk-proj-AbCdEf1234567890XYZ",
                _ => "Invalid token",
            };
            let status = [500, 502, 401][(i % 3) as usize];
            prepare(record(i, 1000 + i % 4, status, content)).unwrap()
        })
        .collect();
    store.insert_batch(&rows).await.unwrap();
}

pub async fn router(store: &Store) -> Router {
    app(
        errscope::ui::frontend(),
        store.clone(),
        leptos_options(&ServeArgs::default()),
        SessionSettings::default(),
    )
    .await
    .unwrap()
}

pub const PASSWORD: &str = "a-long-test-password";

/// Creates an account and signs it in; returns the session cookie (`name=value`).
pub async fn sign_in_as(
    router: &Router,
    store: &Store,
    username: &str,
    role: &str,
    relay_user_id: Option<i64>,
) -> String {
    let new = NewAccount {
        username: username.into(),
        password: PASSWORD.into(),
        role: role.into(),
        relay_user_id,
    };
    if store.account_by_username(username).await.unwrap().is_none() {
        create(store, &new).await.unwrap();
    }
    let res = post_form(
        router,
        "/login",
        &format!("username={username}&password={PASSWORD}&next=/logs"),
        None,
    )
    .await;
    assert_eq!(res.0, StatusCode::SEE_OTHER, "signed in");
    assert_eq!(res.1.as_deref(), Some("/logs"));
    res.2.expect("a session cookie")
}

/// POSTs a form; returns status, Location and the session cookie set, if any.
pub async fn post_form(
    router: &Router,
    path: &str,
    body: &str,
    cookie: Option<&str>,
) -> (StatusCode, Option<String>, Option<String>) {
    let (status, location, cookies) = post_form_cookies(router, path, body, cookie).await;
    (status, location, cookies.into_iter().next())
}

/// POSTs a form; returns status, Location and every cookie set (`name=value`).
pub async fn post_form_cookies(
    router: &Router,
    path: &str,
    body: &str,
    cookie: Option<&str>,
) -> (StatusCode, Option<String>, Vec<String>) {
    let mut req =
        Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let res = router
        .clone()
        .oneshot(req.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let location = res
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string());
    let cookies = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .collect();
    (res.status(), location, cookies)
}

/// GETs a path with a session cookie; returns status, headers and body.
pub async fn get_as(
    router: &Router,
    cookie: Option<&str>,
    path: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    get_with_language(router, cookie, None, path).await
}

/// GETs a path as a browser with these cookies and this `Accept-Language` would.
pub async fn get_with_language(
    router: &Router,
    cookie: Option<&str>,
    accept_language: Option<&str>,
    path: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut req = Request::get(path);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    if let Some(l) = accept_language {
        req = req.header(header::ACCEPT_LANGUAGE, l);
    }
    let res = router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = to_bytes(res.into_body(), 64 << 20).await.unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// GETs a path with an API key (`Authorization: Bearer`), as another tool would; the body
/// read as JSON (null when it is not).
pub async fn get_with_key(
    router: &Router,
    key: Option<&str>,
    path: &str,
) -> (StatusCode, serde_json::Value) {
    let mut req = Request::get(path);
    if let Some(k) = key {
        req = req.header(header::AUTHORIZATION, format!("Bearer {k}"));
    }
    let res = router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let body = to_bytes(res.into_body(), 8 << 20).await.unwrap();
    (
        status,
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    )
}

/// POSTs a form (a server function call) and returns status, headers and body.
pub async fn post_text(
    router: &Router,
    cookie: Option<&str>,
    path: &str,
    body: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut req = Request::post(path).header("content-type", "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let res = router
        .clone()
        .oneshot(req.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let body = to_bytes(res.into_body(), 8 << 20).await.unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

/// Every row a filter matches, page by page through the keyset cursor, in the filter's order.
pub async fn walk_pages(
    store: &Store,
    f: errscope::domain::filter::LogFilter,
    vis: errscope::server::store::Visibility,
) -> Vec<errscope::domain::log::LogRow> {
    walk(store, f, vis, false).await.0
}

/// Every page as the Usage Logs page reads it (`Store::page`), with the count each reported.
pub async fn walk_counted_pages(
    store: &Store,
    f: errscope::domain::filter::LogFilter,
    vis: errscope::server::store::Visibility,
) -> (Vec<errscope::domain::log::LogRow>, Vec<u64>) {
    walk(store, f, vis, true).await
}

async fn walk(
    store: &Store,
    mut f: errscope::domain::filter::LogFilter,
    vis: errscope::server::store::Visibility,
    counted: bool,
) -> (Vec<errscope::domain::log::LogRow>, Vec<u64>) {
    let size = f.page_size as usize;
    let mut all = Vec::new();
    let mut counts = Vec::new();
    loop {
        let mut rows = if counted {
            let (rows, count) = store.page(&f, vis).await.unwrap();
            counts.push(count);
            rows
        } else {
            store.list(&f, vis).await.unwrap()
        };
        let more = rows.len() > size;
        rows.truncate(size);
        if let Some(last) = rows.last() {
            f.cursor = Some(errscope::domain::filter::Cursor::after(f.sort, last));
        }
        all.extend(rows);
        if !more {
            return (all, counts);
        }
    }
}

//! Security regressions found by review and live attack (issue 23), each against the real app
//! on the suite's backend: redirects stay on this site, exports cannot run formulas, crafted
//! text cannot take a page down, control characters never reach the database or a page.
use axum::http::StatusCode;

use errscope::server::ingest::prepare;

use crate::common;
use common::{get_as, post_form, post_text, record, router, sign_in_as, store, PASSWORD};

#[tokio::test]
async fn sign_in_and_preferences_send_browsers_only_to_paths_on_this_site() {
    let (store, _dir) = store().await;
    let router = router(&store).await;
    for (i, next) in [
        "%2F%09%2Fevil.example",
        "%2F%0A%2Fevil.example",
        "%2F%00",
        "%2F%2Fevil.example",
        "%2F%5Cevil.example",
        "https%3A%2F%2Fevil.example",
        "%2F%E6%97%A5",
    ]
    .into_iter()
    .enumerate()
    {
        // An account each: sign-ins per account are rate limited.
        let name = format!("root{i}");
        sign_in_as(&router, &store, &name, "admin", None).await;
        let (status, location, _) = post_form(
            &router,
            "/login",
            &format!("username={name}&password={PASSWORD}&next={next}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{next}");
        assert_eq!(location.as_deref(), Some("/logs"), "{next}");
        let (status, location, _) = post_form(
            &router,
            "/prefs/theme",
            &format!("theme=dark&back={next}"),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "theme {next}");
        assert_eq!(location.as_deref(), Some("/logs"), "theme {next}");
    }
    let (_, location, _) = post_form(
        &router,
        "/login",
        &format!("username=root0&password={PASSWORD}&next=%2Fhealth%3Fwindow%3D7d"),
        None,
    )
    .await;
    assert_eq!(location.as_deref(), Some("/health?window=7d"));
}

#[tokio::test]
async fn exported_cells_cannot_run_as_formulas() {
    let (store, _dir) = store().await;
    let mut r = record(1, 1001, 400, "=1+1");
    r.token_name = Some("=HYPERLINK(\"https://evil.example\",\"x\")".into());
    r.quota = Some(-5);
    store.insert_batch(&[prepare(r).unwrap()]).await.unwrap();
    let router = router(&store).await;
    let admin = sign_in_as(&router, &store, "root", "admin", None).await;
    let (status, _, csv) = get_as(&router, Some(&admin), "/logs.csv?range=").await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let cell = |name: &str| &row[header.iter().position(|h| h == name).unwrap()];
    assert_eq!(
        cell("token_name"),
        "'=HYPERLINK(\"https://evil.example\",\"x\")"
    );
    assert_eq!(cell("content"), "'=1+1");
    assert_eq!(cell("quota"), "-5");
}

#[tokio::test]
async fn text_whose_lowercase_changes_length_cannot_take_a_page_down() {
    let (store, _dir) = store().await;
    let r = record(
        1,
        1001,
        404,
        "model \u{0130}error\u{212a}\u{0130} does not exist",
    );
    store.insert_batch(&[prepare(r).unwrap()]).await.unwrap();
    let router = router(&store).await;
    let admin = sign_in_as(&router, &store, "root", "admin", None).await;
    for q in ["error", "errork", "does"] {
        let (status, _, html) = get_as(&router, Some(&admin), &format!("/logs?range=&q={q}")).await;
        assert_eq!(status, StatusCode::OK, "{q}");
        assert!(html.contains("does not exist"), "{q}: the row is shown");
    }
}

#[tokio::test]
async fn control_characters_are_a_field_message_never_a_database_error() {
    let (store, _dir) = store().await;
    let mut r = record(1, 1001, 500, "boom\u{0}");
    r.token_name = Some("tok\u{0}en".into());
    // One record with a NUL is stored cleaned; the batch never fails.
    store.insert_batch(&[prepare(r).unwrap()]).await.unwrap();
    assert_eq!(
        store
            .query_texts("SELECT token_name FROM logs")
            .await
            .unwrap(),
        vec!["token".to_string()]
    );
    let router = router(&store).await;
    let admin = sign_in_as(&router, &store, "root", "admin", None).await;
    let (status, _, html) = get_as(&router, Some(&admin), "/logs?range=&q=a%00b").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("contains control characters"),
        "a field message"
    );
    assert!(!html.to_lowercase().contains("database error"));
}

/// A relay user shares a group with other customers: what they are told about it is their
/// own numbers and, in words, whether others fail too (never other customers' counts).
#[tokio::test]
async fn a_user_is_told_their_own_numbers_and_only_in_words_about_others() {
    let (store, _dir) = store().await;
    let now = errscope::server::time::now_ms() - 60_000;
    let rows: Vec<_> = (0..40)
        .map(|i| {
            // User 1001 has 4 of the group's 502s; user 1002 has 36 (and more tokens).
            let user = if i % 10 == 0 { 1001 } else { 1002 };
            let mut r = record(i, user, 502, "bad response status code 502");
            r.time = Some(serde_json::json!(now - i * 1000));
            r.group = Some("vip".into());
            r.token_name = Some(format!("tok-{user}-{}", i % 3));
            prepare(r).unwrap()
        })
        .collect();
    store.insert_batch(&rows).await.unwrap();
    let router = router(&store).await;
    let user = sign_in_as(&router, &store, "dora", "user", Some(1001)).await;
    let admin = sign_in_as(&router, &store, "root", "admin", None).await;

    let own_id = store
        .find_request(
            "req-000000",
            errscope::server::store::Visibility::User(1001),
        )
        .await
        .unwrap()
        .expect("the user's row");
    let path = format!("/logs/{own_id}");
    let (_, _, details) = get_as(&router, Some(&user), &path).await;
    let details = details.replace("<!>", "");
    assert!(details.contains("data-own-only=\"true\""), "{details}");
    assert!(details.contains("4 requests of yours failed the same way in group vip"));
    assert!(details.contains("Other users of this group are failing the same way."));
    assert!(!details.contains("40 same failures"));
    let (_, _, as_admin) = get_as(&router, Some(&admin), &path).await;
    let as_admin = as_admin.replace("<!>", "");
    assert!(
        as_admin.contains("40 same failures in group vip"),
        "{as_admin}"
    );
    // The copied message says the same as the page.
    assert!(details.contains("you had 4 same failures in this group"));

    let (_, _, health) = get_as(&router, Some(&user), "/health?window=24h").await;
    let health = health.replace("<!>", "");
    assert!(health.contains(">4 errors</a>"), "{health}");
    assert!(health.contains("data-testid=\"group-wide\""));
    assert!(!health.contains("40 errors"));
    let (_, _, health) = get_as(&router, Some(&admin), "/health?window=24h").await;
    assert!(health.replace("<!>", "").contains(">40 errors</a>"));
}

/// A sign-in form POST from `peer` with extra headers; answers status and Location.
async fn sign_in_from(
    router: &axum::Router,
    peer: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (StatusCode, String) {
    use tower::ServiceExt;
    let mut req = axum::http::Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = req.body(axum::body::Body::from(body.to_string())).unwrap();
    let addr: std::net::SocketAddr = peer.parse().unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    let res = router.clone().oneshot(req).await.unwrap();
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (res.status(), location)
}

/// Behind a proxy, wrong passwords from one client neither throttle other clients nor lock
/// the account for them; every failed sign-in is in the audit with the client's address.
#[tokio::test]
async fn behind_a_trusted_proxy_one_clients_failures_are_its_own() {
    use errscope::server::http::client::Network;
    use errscope::server::http::router::app_on;
    let (store, _dir) = store().await;
    let network = Network {
        trusted_proxies: Network::parse_proxies(&["10.0.0.0/8".into()]).unwrap(),
        https: false,
    };
    let router = app_on(
        errscope::ui::frontend(),
        store.clone(),
        errscope::server::http::router::leptos_options(&Default::default()),
        Default::default(),
        network,
    )
    .await
    .unwrap();
    let proxy = "10.0.0.2:50000";
    let mallory = [("x-forwarded-for", "198.51.100.66")];
    let admin = [("x-forwarded-for", "192.0.2.10")];
    sign_in_as(&router, &store, "boss", "admin", None).await;
    for _ in 0..8 {
        sign_in_from(
            &router,
            proxy,
            &mallory,
            "username=boss&password=guess-guess-guess",
        )
        .await;
    }
    let (_, limited) = sign_in_from(
        &router,
        proxy,
        &mallory,
        "username=boss&password=guess-guess-guess",
    )
    .await;
    assert!(limited.contains("rate_limited"), "{limited}");
    let (status, to) = sign_in_from(
        &router,
        proxy,
        &admin,
        &format!("username=boss&password={PASSWORD}&next=/logs"),
    )
    .await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/logs"));
    // A client that is not a proxy cannot choose its address.
    let (_, _) = sign_in_from(
        &router,
        "203.0.113.5:1",
        &[("x-forwarded-for", "192.0.2.10")],
        "username=boss&password=wrong-wrong-wrong",
    )
    .await;
    let audit = store.lookups(100).await.unwrap();
    let failed: Vec<&str> = audit
        .iter()
        .filter(|l| l.how == errscope::domain::access::LookupKind::FailedSignIn)
        .map(|l| l.detail.as_str())
        .collect();
    assert!(
        failed.contains(&"198.51.100.66") && failed.contains(&"203.0.113.5"),
        "{failed:?}"
    );
    assert!(!failed.contains(&"192.0.2.10"));
}

/// Signed-in answers are never cached; over https cookies are Secure, the session cookie is
/// `__Host-` and HSTS is on; a trusted proxy's `X-Forwarded-Proto: https` does the same.
#[tokio::test]
async fn responses_are_not_cached_and_cookies_follow_https() {
    use errscope::server::http::client::Network;
    use errscope::server::http::router::{app_on, leptos_options};
    let (store, _dir) = store().await;
    let router = router(&store).await;
    let cookie = sign_in_as(&router, &store, "root", "admin", None).await;
    for path in ["/logs", "/logs.csv?range=", "/health"] {
        let (_, headers, _) = get_as(&router, Some(&cookie), path).await;
        assert_eq!(headers["cache-control"], "no-store", "{path}");
        assert!(!headers.contains_key("strict-transport-security"));
    }
    let (_, headers, _) = get_as(&router, None, "/app.css").await;
    assert_ne!(headers["cache-control"], "no-store");
    // The wasm is kept by the browser and revalidated on every use.
    let (_, headers, _) = get_as(&router, None, "/pkg/errscope.wasm").await;
    assert_eq!(headers["cache-control"], "no-cache");

    let https = errscope::server::auth::session::SessionSettings {
        secure_cookies: true,
        ..Default::default()
    };
    let secure = app_on(
        errscope::ui::frontend(),
        store.clone(),
        leptos_options(&Default::default()),
        https,
        Network {
            https: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    create_account(&store, "root2").await;
    let (status, headers) = sign_in_headers(&secure, "root2", &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let set: Vec<&str> = headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        set.iter()
            .any(|c| c.starts_with("__Host-errscope_session=")),
        "{set:?}"
    );
    assert!(set.iter().all(|c| c.contains("; Secure")), "{set:?}");
    assert!(headers.contains_key("strict-transport-security"));

    let proxied = app_on(
        errscope::ui::frontend(),
        store.clone(),
        leptos_options(&Default::default()),
        Default::default(),
        Network {
            trusted_proxies: Network::parse_proxies(&["127.0.0.1".into()]).unwrap(),
            https: false,
        },
    )
    .await
    .unwrap();
    create_account(&store, "root3").await;
    let (_, headers) = sign_in_headers(&proxied, "root3", &[("x-forwarded-proto", "https")]).await;
    let set = headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(set.contains("; Secure"), "{set}");
}

async fn create_account(store: &errscope::server::store::Store, name: &str) {
    errscope::server::auth::accounts::create(
        store,
        &errscope::server::auth::accounts::NewAccount {
            username: name.into(),
            password: PASSWORD.into(),
            role: "admin".into(),
            relay_user_id: None,
        },
    )
    .await
    .unwrap();
}

/// Signs in from 127.0.0.1 with extra headers; answers status and headers.
async fn sign_in_headers(
    router: &axum::Router,
    name: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap) {
    use tower::ServiceExt;
    let mut req = axum::http::Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = req
        .body(axum::body::Body::from(format!(
            "username={name}&password={PASSWORD}&next=/logs"
        )))
        .unwrap();
    req.extensions_mut().insert(axum::extract::ConnectInfo(
        "127.0.0.1:1".parse::<std::net::SocketAddr>().unwrap(),
    ));
    let res = router.clone().oneshot(req).await.unwrap();
    (res.status(), res.headers().clone())
}

/// Support's exports are audited with their filter and row count.
#[tokio::test]
async fn exports_by_support_are_audited() {
    let (store, _dir) = store().await;
    common::seed(&store, 12).await;
    let router = router(&store).await;
    let support = sign_in_as(&router, &store, "helpdesk", "support", None).await;
    let (status, _, csv) = get_as(
        &router,
        Some(&support),
        "/logs.csv?range=&request_id=req-000003",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(csv.lines().count(), 2);
    // The audit is written when the export's stream ends.
    let mut exports = Vec::new();
    for _ in 0..50 {
        exports = store
            .lookups(10)
            .await
            .unwrap()
            .into_iter()
            .filter(|l| l.how == errscope::domain::access::LookupKind::Export)
            .collect();
        if !exports.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].username, "helpdesk");
    assert!(
        exports[0].detail.contains("request_id=req-000003"),
        "{}",
        exports[0].detail
    );
    assert!(
        exports[0].detail.contains("1 rows"),
        "{}",
        exports[0].detail
    );
}

/// Explain needs a session or a key, takes a small body and is rate limited; ingest refuses
/// user ids no account can hold and times far from now.
#[tokio::test]
async fn explain_and_ingest_have_limits() {
    use tower::ServiceExt;
    let (store, _dir) = store().await;
    let router = router(&store).await;
    let key = store.create_ingest_key("limits", 0).await.unwrap();
    let call = |body: String| {
        axum::http::Request::post("/api/v1/explain")
            .header("authorization", format!("Bearer {key}"))
            .body(axum::body::Body::from(body))
            .unwrap()
    };
    let big = format!("{{\"message\": \"{}\"}}", "x".repeat(200_000));
    let res = router.clone().oneshot(call(big)).await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let mut limited = false;
    for _ in 0..60 {
        let res = router
            .clone()
            .oneshot(call("{\"status\":502,\"message\":\"bad gateway\"}".into()))
            .await
            .unwrap();
        limited |= res.status() == StatusCode::TOO_MANY_REQUESTS;
    }
    assert!(limited, "60 calls at once are rate limited");

    let now = errscope::server::time::now_ms();
    let body = serde_json::json!([
        {"time": now, "user_id": -1, "request_id": "r-neg", "content": "x"},
        {"time": now + 30 * 86_400_000_i64, "user_id": 5, "request_id": "r-future", "content": "x"},
        {"time": now, "user_id": 5, "request_id": "r-ok", "content": "x"}
    ]);
    let res = router
        .clone()
        .oneshot(
            axum::http::Request::post("/api/v1/logs")
                .header("authorization", format!("Bearer {key}"))
                .body(axum::body::Body::from(body.to_string()))
                .unwrap(),
        )
        .await
        .unwrap();
    let answer: serde_json::Value = serde_json::from_slice(
        &axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(answer["accepted"], 1, "{answer}");
    let fields: Vec<&str> = answer["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["user_id", "time"]);
}

/// Server functions answer 4xx for a bad argument, 403 for a role that may not, and the
/// page for an id that is not a number is a 404; database text never reaches the browser.
#[tokio::test]
async fn failures_have_their_own_status_and_no_server_text() {
    let (store, _dir) = store().await;
    let router = router(&store).await;
    let user = sign_in_as(&router, &store, "dora", "user", Some(1001)).await;
    let (status, _, body) = post_text(&router, Some(&user), "/api/account_list", "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _, _) = post_text(&router, Some(&user), "/api/log_details", "id=abc").await;
    assert!(status.is_client_error(), "{status}");
    let (status, _, _) = get_as(&router, Some(&user), "/logs/abc").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, body) = post_text(&router, None, "/api/account_list", "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

/// A server function's failure reaches the browser as a kind it can act on and a message,
/// never as leptos' flattened text; an admin form's unreadable field is the caller's fault.
#[tokio::test]
async fn server_function_failures_arrive_typed() {
    use errscope::shared::failure::{Failure, FailureKind};
    let (store, _dir) = store().await;
    let router = router(&store).await;
    let kind_of = |body: &str| {
        serde_json::from_str::<Failure>(body)
            .unwrap_or_else(|e| panic!("{e}: {body}"))
            .kind
    };
    let (status, _, body) = post_text(&router, None, "/api/account_list", "").await;
    assert_eq!(
        (status, kind_of(&body)),
        (StatusCode::UNAUTHORIZED, FailureKind::SignedOut)
    );
    let user = sign_in_as(&router, &store, "erin", "user", Some(1001)).await;
    let (status, _, body) = post_text(&router, Some(&user), "/api/account_list", "").await;
    assert_eq!(
        (status, kind_of(&body)),
        (StatusCode::FORBIDDEN, FailureKind::Forbidden)
    );
    let (status, _, body) = post_text(&router, Some(&user), "/api/log_details", "id=abc").await;
    assert_eq!(
        (status, kind_of(&body)),
        (StatusCode::BAD_REQUEST, FailureKind::Invalid)
    );
    let admin = sign_in_as(&router, &store, "boss", "admin", None).await;
    let form = "username=zed&password=a-long-enough-password&role=user&relay_user_id=12x";
    let (status, _, body) = post_text(&router, Some(&admin), "/api/add_account", form).await;
    let failure: Failure = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (status, failure.kind),
        (StatusCode::BAD_REQUEST, FailureKind::Invalid)
    );
    assert!(failure.message.contains("whole number"), "{body}");
}

/// An admin's refused change reads in the page's language: the same refusals in Chinese when
/// the language is Chinese, each naming what was typed where it matters.
#[tokio::test]
async fn refusals_read_in_the_page_language() {
    use errscope::shared::failure::{Failure, FailureKind};
    let (store, _dir) = store().await;
    let router = router(&store).await;
    let admin = sign_in_as(&router, &store, "boss", "admin", None).await;
    let cases = [
        (
            "/api/add_account",
            "username=zed&password=a-long-enough-password&role=user&relay_user_id=12x",
            "a relay user id is a positive whole number",
            "中转站用户 ID 是正整数",
        ),
        (
            "/api/add_account",
            "username=zed&password=short&role=admin&relay_user_id=",
            "the password must be at least 10 characters",
            "密码至少需要 10 个字符",
        ),
        (
            "/api/set_time_zone",
            "zone=Mars%2FBase",
            "unknown time zone “Mars/Base” (e.g. Asia/Shanghai)",
            "未知时区“Mars/Base”（例如 Asia/Shanghai）",
        ),
        (
            "/api/set_retention",
            "log_type=error&days=-3",
            "retention is a whole number of days from 1 to 3650, or empty to keep forever",
            "保留期为 1 到 3650 的整数天数，留空表示永久保留",
        ),
        (
            "/api/add_alert",
            "name=pager&webhook=https%3A%2F%2F203.0.113.9%2Fhook&format=json&window=2h",
            "the window is 1h, 6h, 24h or 7d",
            "时间窗口只能是 1h、6h、24h 或 7d",
        ),
        (
            "/api/add_alert",
            "name=pager&webhook=http%3A%2F%2F169.254.169.254%2F&format=json",
            "the webhook points at a cloud metadata address, which errscope does not call",
            "Webhook 指向云元数据地址，errscope 不会调用",
        ),
        (
            "/api/change_sync_source",
            "id=999&action=remove",
            "no such source",
            "没有这个数据源",
        ),
    ];
    for (lang, cookie) in [
        ("en", admin.clone()),
        ("zh", format!("{admin}; errscope_lang=zh")),
    ] {
        for (path, form, en, zh) in cases {
            let (status, _, body) = post_text(&router, Some(&cookie), path, form).await;
            let failure: Failure =
                serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {path} {body}"));
            assert_eq!(
                (status, failure.kind),
                (StatusCode::BAD_REQUEST, FailureKind::Invalid),
                "{path} {form}"
            );
            let want = if lang == "zh" { zh } else { en };
            assert_eq!(failure.message, want, "{lang} {path} {form}");
        }
    }
    // A conflict the database finds is refused in the page language too.
    let form = "username=boss&password=a-long-enough-password&role=admin&relay_user_id=";
    let zh = format!("{admin}; errscope_lang=zh");
    let (status, _, body) = post_text(&router, Some(&zh), "/api/add_account", form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("这个用户名已被使用"), "{body}");
}

/// Anyone changes their own password with the current one; an admin too (not through the
/// accounts page, which needs no current password); other sessions end.
#[tokio::test]
async fn own_password_changes_need_the_current_one() {
    let (store, _dir) = store().await;
    let router = router(&store).await;
    let first = sign_in_as(&router, &store, "dora", "user", Some(1001)).await;
    let second = sign_in_as(&router, &store, "dora", "user", Some(1001)).await;
    let (status, _, body) = post_text(
        &router,
        Some(&first),
        "/api/change_own_password",
        "current=not-my-password&new=a-brand-new-password",
    )
    .await;
    assert!(
        status.is_client_error() && body.contains("current password"),
        "{body}"
    );
    let (status, headers, body) = post_text(
        &router,
        Some(&first),
        "/api/change_own_password",
        &format!("current={PASSWORD}&new=a-brand-new-password"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The session got a new id (and the new epoch): the browser keeps the cookie it is sent.
    let first = headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .find(|c| c.starts_with("errscope_session="))
        .expect("the session's new cookie");
    let stored = store.account_by_username("dora").await.unwrap().unwrap();
    assert!(errscope::server::auth::password::verify(
        "a-brand-new-password",
        &stored.password_hash
    ));
    let (_, _, still) = get_as(&router, Some(&first), "/account").await;
    assert!(still.contains("dora"), "this session stays signed in");
    let (status, headers, _) = get_as(&router, Some(&second), "/account").await;
    assert!(
        status == StatusCode::SEE_OTHER
            || headers.get("location").is_some()
            || status == StatusCode::UNAUTHORIZED,
        "the other session ended: {status}"
    );

    let admin = sign_in_as(&router, &store, "root", "admin", None).await;
    let id = store
        .account_by_username("root")
        .await
        .unwrap()
        .unwrap()
        .account
        .id;
    let (status, _, body) = post_text(
        &router,
        Some(&admin),
        "/api/change_account",
        &format!("id={id}&action=password&value=another-long-password"),
    )
    .await;
    assert!(
        status.is_client_error() && body.contains("Account page"),
        "{body}"
    );
}

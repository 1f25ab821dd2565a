//! Pages are rendered on the server and only their islands are hydrated: the page carries the
//! islands' props and no second, serialized copy of its data; an admin form posted as a plain
//! form is answered on the page it returns to.
use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use tower::ServiceExt;

use crate::common;
use common::{get_as, router, seed, sign_in_as, store};
use errscope::server::store::Backend;

#[tokio::test]
async fn a_fifty_row_page_carries_its_islands_and_not_its_data_twice() {
    let (store, _db) = store().await;
    seed(&store, 60).await;
    let router = router(&store).await;
    let admin = sign_in_as(&router, &store, "root", "admin", None).await;
    let (status, _, page) = get_as(&router, Some(&admin), "/logs?size=50").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page.matches("data-row-id=").count(), 50);
    for island in ["LiveSwitch", "ExportLink"] {
        assert!(
            page.contains(&format!("data-component=\"{island}")),
            "the {island} island is on the page"
        );
    }
    assert_eq!(
        page.matches("<leptos-island").count(),
        2,
        "only the islands"
    );
    assert!(
        !page.contains("__RESOLVED_RESOURCES["),
        "no serialized copy of the page's data"
    );
    // Each row's text appears in the table, not again in a script.
    let request_id = page
        .split("data-testid=\"request-id\" title=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a request id");
    assert_eq!(
        page.matches(request_id).count(),
        3,
        "title, text, copy button: {request_id}"
    );
}

/// What a plain form post got back: its status, where it sent the browser, the cookies it set
/// (as a `Cookie` header's pairs) and its body.
struct Posted {
    status: StatusCode,
    location: Option<String>,
    cookies: String,
    body: String,
}

/// POSTs a form as a browser without the page hydrated does: it accepts HTML and says where
/// it comes from.
async fn post_as_page(
    router: &axum::Router,
    cookie: &str,
    path: &str,
    body: &str,
    from: &str,
) -> Posted {
    let req = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::REFERER, format!("http://localhost{from}"))
        .header(header::COOKIE, cookie)
        .body(Body::from(body.to_string()))
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    let location = res
        .headers()
        .get(header::LOCATION)
        .map(|l| l.to_str().unwrap().to_string());
    let cookies = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|c| c.to_str().ok()?.split(';').next().map(str::to_string))
        .collect::<Vec<_>>()
        .join("; ");
    let status = res.status();
    let body = to_bytes(res.into_body(), 1 << 20).await.unwrap();
    Posted {
        status,
        location,
        cookies,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// The session cookie with the cookies a post set.
fn with(cookie: &str, posted: &Posted) -> String {
    format!("{cookie}; {}", posted.cookies)
}

async fn page_as_browser(router: &axum::Router, cookie: &str, path: &str) -> String {
    let req = Request::get(path)
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let body = to_bytes(res.into_body(), 8 << 20).await.unwrap();
    String::from_utf8_lossy(&body).replace("<!>", "")
}

#[tokio::test]
async fn a_plain_form_post_is_answered_once_on_the_page_it_returns_to() {
    let (store, _db) = store().await;
    let router = router(&store).await;
    let admin = sign_in_as(&router, &store, "root", "admin", None).await;
    let from = "/admin/retention";

    let posted = post_as_page(&router, &admin, "/api/purge_now", "", from).await;
    assert!(posted.status.is_redirection(), "{}", posted.status);
    let location = posted.location.clone().expect("sent back");
    assert!(
        location.starts_with("http://localhost/admin/retention"),
        "{location}"
    );
    let page = page_as_browser(&router, &with(&admin, &posted), from).await;
    assert!(
        page.contains("data-testid=\"purged\""),
        "the answer is shown"
    );
    assert!(page.contains("Rows purged: 0"), "with what it answered");
    let again = page_as_browser(&router, &with(&admin, &posted), from).await;
    assert!(!again.contains("data-testid=\"purged\""), "and only once");

    // A refusal goes back in the address and is shown from there, not kept.
    let Posted {
        status, location, ..
    } = post_as_page(
        &router,
        &admin,
        "/api/set_retention",
        "log_type=error&days=0",
        from,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "a refused form is sent back too"
    );
    let location = location.expect("sent back");
    assert!(location.contains("__err="), "{location}");
    let back = location.trim_start_matches("http://localhost");
    let page = page_as_browser(&router, &admin, back).await;
    assert!(
        page.contains("data-testid=\"retention-error\""),
        "the refusal is shown"
    );
    assert!(page.contains("whole number of days"));
    let page = page_as_browser(&router, &admin, from).await;
    assert!(
        !page.contains("data-testid=\"retention-done\""),
        "a refusal is not a success"
    );
}

/// A new API key is shown once on the Keys page after a plain form post, and the session
/// (a database row) never holds it in plain text: only the cookie the browser got opens it.
#[tokio::test]
async fn a_new_key_kept_for_the_next_page_is_sealed_in_the_session() {
    let (store, _db) = store().await;
    let router = router(&store).await;
    let admin = sign_in_as(&router, &store, "root", "admin", None).await;
    let from = "/admin/keys";
    let posted = post_as_page(&router, &admin, "/api/add_ingest_key", "name=relay-a", from).await;
    assert!(posted.status.is_redirection(), "{}", posted.status);
    let key = posted.body.trim_matches('"').to_string();
    assert!(key.starts_with("esk_"), "{}", posted.body);
    assert!(
        posted.cookies.contains("errscope_answer="),
        "{}",
        posted.cookies
    );

    let (kept, plain) = (
        sessions_holding(store.backend(), "form_answer"),
        sessions_holding(store.backend(), &key),
    );
    assert_eq!(
        store.query_int(&kept).await.unwrap(),
        1,
        "the answer is kept"
    );
    assert_eq!(
        store.query_int(&plain).await.unwrap(),
        0,
        "but not in plain text"
    );

    // A page without the cookie (another tab, another device on this session) neither opens
    // it nor takes it away; the page that posted shows it, once.
    let without = page_as_browser(&router, &admin, from).await;
    assert!(!without.contains(&key));
    assert_eq!(store.query_int(&kept).await.unwrap(), 1, "still kept");
    let page = page_as_browser(&router, &with(&admin, &posted), from).await;
    assert!(page.contains("data-testid=\"new-key\""), "shown");
    assert!(page.contains(&key));
    let again = page_as_browser(&router, &with(&admin, &posted), from).await;
    assert!(!again.contains(&key), "once");
    assert_eq!(store.query_int(&kept).await.unwrap(), 0, "and gone");
}

/// A page that wrote back the session it read at its start would overwrite what a concurrent
/// request kept meanwhile (the answer of another tab's form post, a sign-out): the browser
/// tests' workers share a session and lost a "Saved." that way. Reading pages leaves the
/// stored session as it was.
#[tokio::test]
async fn pages_read_on_a_session_leave_the_stored_session_alone() {
    let (store, _db) = store().await;
    seed(&store, 6).await;
    let router = router(&store).await;
    let admin = sign_in_as(&router, &store, "root", "admin", None).await;
    let stored = format!(
        "SELECT bytes FROM ({}) s ORDER BY id",
        stored_sessions(store.backend())
    );
    let before = store.query_texts(&stored).await.unwrap();
    assert_eq!(before.len(), 1);
    for path in ["/logs", "/logs/2", "/health", "/admin/keys"] {
        page_as_browser(&router, &admin, path).await;
    }
    assert_eq!(store.query_texts(&stored).await.unwrap(), before);
}

/// How many stored sessions hold `text`'s bytes.
fn sessions_holding(backend: Backend, text: &str) -> String {
    let hex: String = text.bytes().map(|b| format!("{b:02x}")).collect();
    format!(
        "SELECT count(*) FROM ({}) s WHERE bytes LIKE '%{hex}%'",
        stored_sessions(backend)
    )
}

/// The stored sessions (tower-sessions' table on each backend): `id` and `bytes`, their
/// data as lowercase hex.
fn stored_sessions(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "SELECT id, lower(hex(data)) AS bytes FROM tower_sessions",
        Backend::Postgres => "SELECT id, encode(data, 'hex') AS bytes FROM tower_sessions.session",
    }
}

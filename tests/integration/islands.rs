//! Pages are rendered on the server and only their islands are hydrated: the page carries the
//! islands' props and no second, serialized copy of its data; an admin form posted as a plain
//! form is answered on the page it returns to.
use axum::body::{to_bytes, Body};
use axum::http::{header, Request, StatusCode};
use tower::ServiceExt;

use crate::common;
use common::{get_as, router, seed, sign_in_as, store};

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

/// POSTs a form as a browser without the page hydrated does: it accepts HTML and says where
/// it comes from.
async fn post_as_page(
    router: &axum::Router,
    cookie: &str,
    path: &str,
    body: &str,
    from: &str,
) -> (StatusCode, Option<String>) {
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
    let status = res.status();
    let _ = to_bytes(res.into_body(), 1 << 20).await;
    (status, location)
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

    let (status, location) = post_as_page(&router, &admin, "/api/purge_now", "", from).await;
    assert!(status.is_redirection(), "{status}");
    let location = location.expect("sent back");
    assert!(
        location.starts_with("http://localhost/admin/retention"),
        "{location}"
    );
    let page = page_as_browser(&router, &admin, from).await;
    assert!(
        page.contains("data-testid=\"purged\""),
        "the answer is shown"
    );
    assert!(page.contains("Rows purged: 0"), "with what it answered");
    let again = page_as_browser(&router, &admin, from).await;
    assert!(!again.contains("data-testid=\"purged\""), "and only once");

    // A refusal goes back in the address and is shown from there, not kept.
    let (status, location) = post_as_page(
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

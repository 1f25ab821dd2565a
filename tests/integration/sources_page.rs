//! The Sources page and its server functions over HTTP: admins see each followed new-api
//! database (never its password) and can add, pause and remove one; nobody else can. Row
//! details show every attempt of a request, within the viewer's visibility.
use axum::http::StatusCode;

use errscope::server::demo::newapi::{NewApiDemo, Release};
use errscope::server::import::newapi::import;
use errscope::server::sync;

use crate::common;
use common::{get_as, post_text, router, sign_in_as, store};

#[tokio::test]
async fn admins_manage_sources_and_never_see_their_passwords() {
    let (store, _dir) = store().await;
    let router = router(&store).await;
    let admin = sign_in_as(&router, &store, "root", "admin", None).await;
    let support = sign_in_as(&router, &store, "helpdesk", "support", None).await;
    sync::register_flag_sources(
        &store,
        &["postgres://relay:s3cret-pw@db.internal:5432/newapi".to_string()],
    )
    .await
    .unwrap();

    let (status, _, html) = get_as(&router, Some(&admin), "/admin/sources").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("postgres://db.internal:5432/newapi"),
        "listed"
    );
    assert!(
        !html.contains("s3cret-pw"),
        "the password never reaches a page"
    );
    assert!(html.contains("from --follow-newapi"));

    // Adding checks that the database is new-api's and answers.
    let dir = common::Dir::new();
    let url = format!("sqlite://{}/one-api.db", dir.0.display());
    NewApiDemo::open(&url, Release::Current)
        .await
        .unwrap()
        .append(0, 10, 1, 1_764_900_000)
        .await
        .unwrap();
    let body = format!("url={}", urlencode(&url));
    let (status, _, answer) = post_text(&router, Some(&admin), "/api/add_sync_source", &body).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, _, refused) = post_text(
        &router,
        Some(&admin),
        "/api/add_sync_source",
        "url=sqlite%3A%2F%2F%2Fno%2Fsuch%2Fone-api.db",
    )
    .await;
    assert!(refused.contains("cannot read new-api"), "{refused}");
    let (_, _, again) = post_text(&router, Some(&admin), "/api/add_sync_source", &body).await;
    assert!(again.contains("already followed"), "{again}");

    // Support staff and users can neither list nor change sources.
    for path in ["/api/sync_source_list", "/api/add_sync_source"] {
        let (_, _, body) = post_text(&router, Some(&support), path, "url=x").await;
        assert!(!body.contains("db.internal"), "{path}: {body}");
        assert!(body.contains("may not do this"), "{path}: {body}");
    }
    let sources = store.sync_sources().await.unwrap();
    assert_eq!(sources.len(), 2);
    let added = sources.iter().find(|s| s.url == url).unwrap();
    let (_, _, body) = post_text(
        &router,
        Some(&support),
        "/api/change_sync_source",
        &format!("id={}&action=remove", added.id),
    )
    .await;
    assert!(body.contains("may not do this"), "{body}");
    assert_eq!(store.sync_sources().await.unwrap().len(), 2);

    for action in ["pause", "resume", "pause"] {
        let (status, _, body) = post_text(
            &router,
            Some(&admin),
            "/api/change_sync_source",
            &format!("id={}&action={action}", added.id),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
    let (_, _, html) = get_as(&router, Some(&admin), "/admin/sources").await;
    assert!(html.contains(">paused<"), "paused shown");
    post_text(
        &router,
        Some(&admin),
        "/api/change_sync_source",
        &format!("id={}&action=remove", added.id),
    )
    .await;
    assert_eq!(store.sync_sources().await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_attempt_timeline_shows_every_attempt_the_viewer_may_see() {
    let (store, _dir) = store().await;
    let dir = common::Dir::new();
    let url = format!("sqlite://{}/one-api.db", dir.0.display());
    NewApiDemo::open(&url, Release::Current)
        .await
        .unwrap()
        .append(0, 10, 1, 1_764_900_000)
        .await
        .unwrap();
    import(&store, &url, true, 100, |_, _| {}).await.unwrap();
    let router = router(&store).await;
    // Story 0 (user 1001): 502 on channel 8, 503 on 17, then success on 3.
    let first_502: i64 = store
        .query_int("SELECT min(id) FROM logs WHERE status_code = 502")
        .await
        .unwrap();
    let admin = sign_in_as(&router, &store, "root", "admin", None).await;
    let (_, _, html) = get_as(&router, Some(&admin), &format!("/logs/{first_502}")).await;
    assert!(html.contains("data-testid=\"attempts\""), "timeline shown");
    assert_eq!(html.matches("data-attempt=").count(), 3);
    assert!(html.contains("2 failed attempts, then succeeded on attempt 3"));
    assert!(html.contains("openai-backup (#17)"), "admins see channels");
    assert!(html.contains("Attempts: 2 failed attempts, then succeeded on attempt 3"));
    // In the list, each of its rows says how many attempts the request had.
    let rid = store
        .query_texts(&format!(
            "SELECT request_id FROM logs WHERE id = {first_502}"
        ))
        .await
        .unwrap()
        .remove(0);
    let (_, _, list) = get_as(
        &router,
        Some(&admin),
        &format!("/logs?range=&type=all&request_id={rid}"),
    )
    .await;
    assert_eq!(list.matches("data-testid=\"attempt-count\"").count(), 3);
    assert!(without_markers(&list).contains("×3 attempts"));

    // The request's owner sees the timeline without channels; another user sees nothing.
    let owner = sign_in_as(&router, &store, "alice", "user", Some(1001)).await;
    let (_, _, html) = get_as(&router, Some(&owner), &format!("/logs/{first_502}")).await;
    assert_eq!(html.matches("data-attempt=").count(), 3);
    assert!(!html.contains("openai-backup"), "no channels for users");
    let other = sign_in_as(&router, &store, "bob", "user", Some(1002)).await;
    let (status, _, html) = get_as(&router, Some(&other), &format!("/logs/{first_502}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!html.contains("data-attempt="));
}

/// The page without the hydration markers (`<!>`) Leptos puts between a text's parts.
fn without_markers(html: &str) -> String {
    html.replace("<!>", "")
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

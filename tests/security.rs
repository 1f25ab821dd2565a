//! Security regressions found by review and live attack (issue 23), each against the real app
//! on the suite's backend: redirects stay on this site, exports cannot run formulas, crafted
//! text cannot take a page down, control characters never reach the database or a page.
#![cfg(feature = "ssr")]
#![recursion_limit = "256"]
use axum::http::StatusCode;

use errscope::server::ingest::prepare;

mod common;
use common::{get_as, post_form, record, router, sign_in_as, store, PASSWORD};

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

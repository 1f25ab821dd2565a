//! What a viewer picks for themselves over HTTP: the page language (the header's switch, the
//! account's setting, the browser's Accept-Language). The account's time zone is tested in
//! the browser (end2end/tests/language_zone.spec.ts).
use axum::http::StatusCode;

use crate::common;
use common::{
    get_with_language, post_form_cookies, post_text, router, seed, sign_in_as, store, PASSWORD,
};
use errscope::domain::lang::Lang;

/// A page as a browser with these cookies and this Accept-Language would get it, without the
/// hydration markers between the parts of an interpolated text.
async fn page(router: &axum::Router, cookies: &str, accept_language: &str, path: &str) -> String {
    let (status, _, body) =
        get_with_language(router, Some(cookies), Some(accept_language), path).await;
    assert_eq!(status, StatusCode::OK, "{path}");
    body.replace("<!>", "")
}

/// POSTs a form; returns status, Location (or "") and every cookie set.
async fn post(
    router: &axum::Router,
    cookies: &str,
    path: &str,
    body: &str,
) -> (StatusCode, String, Vec<String>) {
    let cookies = Some(cookies).filter(|c| !c.is_empty());
    let (status, location, set) = post_form_cookies(router, path, body, cookies).await;
    (status, location.unwrap_or_default(), set)
}

/// The language stored on an account.
async fn stored_lang(store: &errscope::server::store::Store, username: &str) -> Option<Lang> {
    let stored = store.account_by_username(username).await.unwrap();
    stored.expect("the account exists").account.lang
}

fn is_english(body: &str) -> bool {
    body.contains(r#"<html lang="en""#) && body.contains("Usage Logs") && !body.contains("使用日志")
}

fn is_chinese(body: &str) -> bool {
    body.contains(r#"<html lang="zh""#)
        && body.contains("使用日志")
        && body.contains("错误信息关键词")
}

#[tokio::test]
async fn the_language_follows_the_switch_then_the_account_then_the_browser() {
    let (store, _db) = store().await;
    seed(&store, 30).await;
    let router = router(&store).await;
    let session = sign_in_as(&router, &store, "lin", "support", None).await;

    assert!(is_english(&page(&router, &session, "", "/logs").await));
    assert!(is_chinese(
        &page(&router, &session, "zh-CN,zh;q=0.9,en;q=0.8", "/logs").await
    ));
    assert!(is_english(
        &page(&router, &session, "en-GB,zh;q=0.5", "/logs").await
    ));

    // The switch: a cookie, and the account's setting.
    let (status, location, set) = post(
        &router,
        &session,
        "/prefs/lang",
        "lang=zh&back=%2Flogs%3Fstatus%3D502",
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location, "/logs?status=502");
    assert!(set.contains(&"errscope_lang=zh".to_string()), "{set:?}");
    assert_eq!(stored_lang(&store, "lin").await, Some(Lang::Zh));

    // Without the cookie (another browser), the account's setting beats the browser's.
    assert!(is_chinese(&page(&router, &session, "en-US", "/logs").await));
    for path in ["/health", "/reference", "/account", "/logs?type=all"] {
        assert!(
            page(&router, &session, "en-US", path)
                .await
                .contains(r#"<html lang="zh""#),
            "{path}"
        );
    }
    // The cookie, as the switch in this browser left it, beats the account.
    assert!(is_english(
        &page(
            &router,
            &format!("{session}; errscope_lang=en"),
            "zh-CN",
            "/logs"
        )
        .await
    ));
    // The server functions answer in the same language: the support message of a request.
    let (_, _, details) = post_text(&router, Some(&session), "/api/log_details", "id=1").await;
    assert!(details.contains("请求 ID"), "{details}");
    let (_, _, details) = post_text(
        &router,
        Some(&format!("{session}; errscope_lang=en")),
        "/api/log_details",
        "id=1",
    )
    .await;
    assert!(details.contains("Request ID: "), "{details}");

    // Signing in on a new browser brings the account's language along.
    let (status, _, set) = post(
        &router,
        "",
        "/login",
        &format!("username=lin&password={PASSWORD}&next=/logs"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(set.contains(&"errscope_lang=zh".to_string()), "{set:?}");

    // Signed out, the switch only sets the cookie; nonsense is refused; `back` stays on site.
    let (status, location, set) = post(
        &router,
        "",
        "/prefs/lang",
        "lang=en&back=%2F%2Fevil.example%2F",
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (StatusCode::SEE_OTHER, "/logs")
    );
    assert!(set.contains(&"errscope_lang=en".to_string()));
    let (status, _, _) = post(&router, &session, "/prefs/lang", "lang=fr").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = post(&router, &session, "/prefs/lang", "nothing=here").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        stored_lang(&store, "lin").await,
        Some(Lang::Zh),
        "refused switches change nothing"
    );
}

#[tokio::test]
async fn the_theme_follows_the_switch_then_the_account() {
    let (store, _db) = store().await;
    seed(&store, 5).await;
    let router = router(&store).await;
    let session = sign_in_as(&router, &store, "tao", "user", Some(1000)).await;
    let dark =
        |body: &str| body.contains(r#"class="dark""#) && body.contains(r#"data-theme="dark""#);
    assert!(!dark(&page(&router, &session, "", "/logs").await));

    let (status, _, set) = post(&router, &session, "/prefs/theme", "theme=dark&back=%2Flogs").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(set.contains(&"errscope_theme=dark".to_string()), "{set:?}");
    // Another browser of the same account (no theme cookie) gets the account's theme.
    assert!(dark(&page(&router, &session, "", "/health").await));
    // This browser's own pick beats the account's.
    let here = format!("{session}; errscope_theme=light");
    assert!(!dark(&page(&router, &here, "", "/logs").await));

    // "System" forgets the account's pick and is kept as this browser's choice.
    let (_, _, set) = post(&router, &session, "/prefs/theme", "theme=system").await;
    assert!(
        set.contains(&"errscope_theme=system".to_string()),
        "{set:?}"
    );
    assert!(!dark(&page(&router, &session, "", "/logs").await));
    let (status, _, _) = post(&router, &session, "/prefs/theme", "theme=neon").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

//! Accounts and access control over HTTP: sign-in, roles, scoping in pages, server functions
//! and CSV, session rotation and sign-out everywhere, CSRF, rate limiting and headers.
use axum::http::StatusCode;

use crate::common;
use common::{get_as, post_form, post_text, router, seed, sign_in_as, store, PASSWORD};

#[tokio::test]
async fn signed_out_browsers_are_sent_to_sign_in_and_get_no_data() {
    let (store, _dir) = store().await;
    seed(&store, 12).await;
    let router = router(&store).await;
    for path in [
        "/logs?status=502",
        "/logs/1",
        "/health",
        "/admin/users",
        "/logs.csv",
    ] {
        let (status, headers, _) = get_as(&router, None, path).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
        let to = headers["location"].to_str().unwrap();
        assert!(to.starts_with("/login?next=%2F"), "{path} -> {to}");
    }
    // Server functions answer with an error, never rows.
    let (status, _, body) = post_text(&router, None, "/api/log_details", "id=2").await;
    assert!(!body.contains("req-0000"), "{status} {body}");
    assert!(body.contains("sign in"), "{body}");
    // The catalogue and the sign-in page stay public.
    assert_eq!(get_as(&router, None, "/login").await.0, StatusCode::OK);
    assert_eq!(get_as(&router, None, "/reference").await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_user_sees_only_their_rows_and_no_admin_fields_anywhere() {
    let (store, _dir) = store().await;
    seed(&store, 40).await;
    let router = router(&store).await;
    let user = sign_in_as(&router, &store, "u1001", "user", Some(1001)).await;

    let (status, _, html) = get_as(&router, Some(&user), "/logs?range=").await;
    assert_eq!(status, StatusCode::OK);
    // seed(): row i belongs to user 1000 + i % 4, so rows 1, 5, 9... are 1001's.
    assert!(html.contains("req-000001") && html.contains("req-000005"));
    assert!(
        !html.contains("req-000000") && !html.contains("req-000002"),
        "another user's rows"
    );
    assert!(
        !html.contains("tok-1002"),
        "another user's token in the pick lists"
    );
    assert!(!html.contains("channel-secret") && !html.contains("203.0.113."));

    // Another user's row answers exactly like a row that does not exist.
    let (other_status, _, other) = get_as(&router, Some(&user), "/logs/1").await; // req-000000 (user 1000)
    let (missing_status, _, missing) = get_as(&router, Some(&user), "/logs/999999").await;
    assert_eq!(
        (other_status, missing_status),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
    let strip = |s: &str| {
        s.replace("/logs/999999", "/logs/N")
            .replace("/logs/1\"", "/logs/N\"")
            .replace("999999", "")
            .len()
    };
    assert!(
        other.contains("No request") || other.contains("not found"),
        "{other}"
    );
    assert!(strip(&other).abs_diff(strip(&missing)) <= 6);
    let (_, _, own) = get_as(&router, Some(&user), "/logs/2").await; // req-000001 (user 1001)
    assert!(own.contains("req-000001") && !own.contains("channel-secret-1"));

    // The CSV export is scoped the same way and has no admin columns.
    let (status, _, csv) = get_as(&router, Some(&user), "/logs.csv?range=").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!csv.contains("client_ip") && !csv.contains("channel-secret"));
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 10);
    assert!(rows.iter().all(|r| r.contains(",1001,")));

    // Group Health: the groups the user uses, numbers only; account management is not theirs.
    let (_, _, health) = get_as(&router, Some(&user), "/health?window=7d").await;
    assert!(health.contains("restricted-note"), "{health}");
    assert!(!health.contains("bad response status code") && !health.contains("tok-1000"));
    let (_, _, accounts) = post_text(&router, Some(&user), "/api/account_list", "").await;
    assert!(accounts.contains("role may not"), "{accounts}");
}

#[tokio::test]
async fn support_reads_every_user_but_no_admin_fields_and_changes_nothing() {
    let (store, _dir) = store().await;
    seed(&store, 12).await;
    let router = router(&store).await;
    let support = sign_in_as(&router, &store, "helpdesk", "support", None).await;
    let (_, _, html) = get_as(
        &router,
        Some(&support),
        "/logs?range=&request_id=req-000002",
    )
    .await;
    assert!(html.contains("req-000002"), "support finds any request id");
    let (_, _, details) = get_as(&router, Some(&support), "/logs/3").await;
    assert!(details.contains("req-000002") && !details.contains("channel-secret"));
    let (_, _, csv) = get_as(&router, Some(&support), "/logs.csv?range=").await;
    assert_eq!(csv.lines().count(), 13);
    assert!(!csv.contains("channel-secret"));
    let (_, _, changed) = post_text(
        &router,
        Some(&support),
        "/api/change_account",
        "id=1&action=role&value=admin",
    )
    .await;
    assert!(changed.contains("role may not"), "{changed}");

    let admin = sign_in_as(&router, &store, "root", "admin", None).await;
    let (_, _, details) = get_as(&router, Some(&admin), "/logs/3").await;
    assert!(
        details.contains("channel-secret-2"),
        "admins see the channel"
    );
    let (_, _, csv) = get_as(&router, Some(&admin), "/logs.csv?range=").await;
    assert!(csv
        .lines()
        .next()
        .unwrap()
        .ends_with("channel,retries,client_ip"));
}

#[tokio::test]
async fn sign_in_rotates_the_session_and_sign_out_everywhere_ends_every_session() {
    let (store, _dir) = store().await;
    let router = router(&store).await;
    let first = sign_in_as(&router, &store, "ops", "admin", None).await;
    // Signing in again from a session issues a new session id, and the old one is gone.
    let (_, _, again) = post_form(
        &router,
        "/login",
        &format!("username=ops&password={PASSWORD}&next=/logs"),
        Some(&first),
    )
    .await;
    let second = again.expect("a new cookie");
    assert_ne!(first, second);
    assert_eq!(
        get_as(&router, Some(&first), "/logs").await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        get_as(&router, Some(&second), "/logs").await.0,
        StatusCode::OK
    );

    let laptop = sign_in_as(&router, &store, "ops", "admin", None).await;
    let (status, to, _) = post_form(&router, "/logout", "everywhere=1", Some(&second)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to.as_deref(), Some("/login?signed_out=1"));
    assert_eq!(
        get_as(&router, Some(&laptop), "/logs").await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        get_as(&router, Some(&second), "/logs").await.0,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn wrong_passwords_disabled_accounts_and_too_many_attempts_are_refused() {
    let (store, _dir) = store().await;
    let router = router(&store).await;
    sign_in_as(&router, &store, "dora", "support", None).await;
    let (status, to, cookie) = post_form(
        &router,
        "/login",
        "username=dora&password=wrong-password&next=/health",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to.as_deref(), Some("/login?error=invalid&next=%2Fhealth"));
    assert!(cookie.is_none(), "no session for a failed sign-in");
    // An unknown user gets the same answer as a wrong password.
    let (_, unknown, _) = post_form(
        &router,
        "/login",
        "username=nobody&password=wrong-password&next=/health",
        None,
    )
    .await;
    assert_eq!(unknown, to);
    // An open redirect is not possible through `next`.
    let (_, to, _) = post_form(
        &router,
        "/login",
        &format!("username=dora&password={PASSWORD}&next=//evil.example/x"),
        None,
    )
    .await;
    assert_eq!(to.as_deref(), Some("/logs"));

    let id = store
        .account_by_username("dora")
        .await
        .unwrap()
        .unwrap()
        .account
        .id;
    store
        .change_account(id, &errscope::server::store::AccountChange::Disabled(true))
        .await
        .unwrap();
    let (_, to, _) = post_form(
        &router,
        "/login",
        &format!("username=dora&password={PASSWORD}"),
        None,
    )
    .await;
    assert!(to.unwrap().starts_with("/login?error=disabled"));

    // Five attempts per account at once; the sixth waits, and says how long.
    let mut last = None;
    for _ in 0..6 {
        last = post_form(
            &router,
            "/login",
            "username=mallory&password=guess-guess",
            None,
        )
        .await
        .1;
    }
    let last = last.unwrap();
    assert!(last.starts_with("/login?error=rate_limited"), "{last}");
    assert!(last.contains("retry_after="), "{last}");
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_pages_carry_a_nonce_csp() {
    let (store, _dir) = store().await;
    let router = router(&store).await;
    let admin = sign_in_as(&router, &store, "root", "admin", None).await;
    use tower::ServiceExt;
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let req = axum::http::Request::post("/api/change_account")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("host", "127.0.0.1:3000")
            .header("cookie", &admin)
            .header(name, value)
            .body(axum::body::Body::from("id=1&action=sign_out&value="))
            .unwrap();
        let res = router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}");
    }
    assert_eq!(
        get_as(&router, Some(&admin), "/logs").await.0,
        StatusCode::OK,
        "session intact"
    );

    let nonce_of = |csp: &str| -> String {
        let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next();
        nonce.unwrap().to_string()
    };
    let (_, headers, html) = get_as(&router, Some(&admin), "/logs").await;
    let csp = headers["content-security-policy"].to_str().unwrap();
    let nonce = nonce_of(csp);
    assert!(nonce.len() >= 16);
    let carried = html.matches(&format!("nonce=\"{nonce}\"")).count();
    assert!(carried > 0, "scripts carry this response's nonce");
    // Leptos ends the body with an empty `<script></script>`: nothing to run.
    let scripts = html.matches("<script").count() - html.matches("<script></script>").count();
    assert_eq!(scripts, carried, "every script with something to run does");
    assert!(!csp.contains("unsafe-inline"));
    // The router's not-found page too, with a nonce of its own; other answers run nothing.
    let (status, headers, html) = get_as(&router, Some(&admin), "/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let other = nonce_of(headers["content-security-policy"].to_str().unwrap());
    assert_ne!(other, nonce);
    assert!(html.contains(&format!("nonce=\"{other}\"")));
    let (_, headers, _) = get_as(&router, None, "/healthz").await;
    assert_eq!(
        headers["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
    );
    assert_eq!(headers["x-frame-options"], "DENY");
    let req = axum::http::Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!(
            "username=root&password={PASSWORD}"
        )))
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    let set = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(set.starts_with("errscope_session="), "{set}");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
}

#[tokio::test]
async fn support_lookups_of_other_users_requests_are_audited_for_admins() {
    let (store, _dir) = store().await;
    seed(&store, 12).await;
    let router = router(&store).await;
    // A user reading their own request leaves no audit line.
    let user = sign_in_as(&router, &store, "u1001", "user", Some(1001)).await;
    assert_eq!(
        get_as(&router, Some(&user), "/logs/2").await.0,
        StatusCode::OK
    );
    assert!(store.lookups(10).await.unwrap().is_empty());

    let support = sign_in_as(&router, &store, "helpdesk", "support", None).await;
    get_as(&router, Some(&support), "/logs/3").await; // req-000002, relay user 1002
    get_as(
        &router,
        Some(&support),
        "/logs?range=&request_id=req-000005",
    )
    .await;
    let lines = store.lookups(10).await.unwrap();
    let seen: Vec<_> = lines
        .iter()
        .map(|l| {
            (
                l.username.as_str(),
                l.request_id.as_str(),
                l.relay_user_id,
                l.how,
            )
        })
        .collect();
    use errscope::domain::access::LookupKind::*;
    assert_eq!(
        seen,
        vec![
            ("helpdesk", "req-000005", 1001, RequestIdSearch),
            ("helpdesk", "req-000002", 1002, Details),
        ]
    );

    // Admins read the audit; support and users may not.
    let admin = sign_in_as(&router, &store, "root", "admin", None).await;
    let (_, _, audit) = post_text(&router, Some(&admin), "/api/lookup_audit", "").await;
    assert!(
        audit.contains("req-000005") && audit.contains("helpdesk"),
        "{audit}"
    );
    for who in [&support, &user] {
        let (_, _, refused) = post_text(&router, Some(who), "/api/lookup_audit", "").await;
        assert!(
            refused.contains("role may not") && !refused.contains("req-0000"),
            "{refused}"
        );
    }
    let (_, _, page) = get_as(&router, Some(&admin), "/admin/audit").await;
    assert!(page.contains("searched by request ID"), "{page}");
}

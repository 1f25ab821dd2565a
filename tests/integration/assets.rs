//! The browser's files: pages name the wasm, its script and the stylesheet by a hash of their
//! contents, those names are kept a year, and brotli or gzip copies go to browsers that take
//! them. Runs on a site folder of its own, so it does not depend on how the wasm was built.
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use tower::ServiceExt;

use errscope::server::auth::session::SessionSettings;
use errscope::server::cli::ServeArgs;
use errscope::server::http::assets::{fingerprint, IMMUTABLE};
use errscope::server::http::router::{app, leptos_options};
use errscope::shared::assets::APP_CSS_HREF;

use crate::common::{get_as, sign_in_as, store, Dir};

const SCRIPT: &[u8] = b"export default function init() {}";
const WASM: &[u8] = b"\0asm the wasm itself";

/// A site folder as `cargo leptos build --release --precompress` leaves it.
fn site() -> Dir {
    let dir = Dir::new();
    let pkg = dir.0.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("errscope.js"), SCRIPT).unwrap();
    std::fs::write(pkg.join("errscope.wasm"), WASM).unwrap();
    std::fs::write(pkg.join("errscope.wasm.br"), b"the brotli copy").unwrap();
    std::fs::write(pkg.join("errscope.wasm.gz"), b"the gzip copy").unwrap();
    dir
}

async fn get(
    router: &Router,
    path: &str,
    accept_encoding: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let req = Request::get(path)
        .header(header::ACCEPT_ENCODING, accept_encoding)
        .body(Body::empty())
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    (parts.status, parts.headers, bytes.to_vec())
}

#[tokio::test]
async fn pages_name_assets_by_their_contents_and_browsers_keep_them() {
    let site = site();
    let site_root = site.0.to_string_lossy().into_owned();
    let hash = fingerprint(&site_root).expect("a site with a build has a fingerprint");
    assert_eq!(hash.len(), 16);
    let (store, _db) = store().await;
    let args = ServeArgs {
        site_root: site_root.clone(),
        ..Default::default()
    };
    let router = app(
        errscope::ui::frontend(),
        store.clone(),
        leptos_options(&args),
        SessionSettings::default(),
    )
    .await
    .unwrap();
    let cookie = sign_in_as(&router, &store, "root", "admin", None).await;
    let (status, _, page) = get_as(&router, Some(&cookie), "/logs").await;
    assert_eq!(status, StatusCode::OK);

    // The page loads the script and the wasm under the fingerprinted names.
    let script = format!("/pkg/errscope.{hash}.js");
    assert!(page.contains(&script), "{page}");
    let wasm = [".wasm", "_bg.wasm"]
        .iter()
        .map(|suffix| format!("/pkg/errscope.{hash}{suffix}"))
        .find(|w| page.contains(&format!("{w}\"")))
        .expect("the page names the fingerprinted wasm");
    assert!(page.contains(APP_CSS_HREF), "{page}");

    let (status, headers, body) = get(&router, &script, "identity").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], IMMUTABLE);
    assert_eq!(body, SCRIPT);

    // The copy the browser takes, brotli first.
    for (accept, encoding, body) in [
        ("gzip, deflate, br", Some("br"), &b"the brotli copy"[..]),
        ("gzip", Some("gzip"), &b"the gzip copy"[..]),
        ("identity", None, WASM),
    ] {
        let (status, headers, got) = get(&router, &wasm, accept).await;
        assert_eq!(status, StatusCode::OK, "{accept}");
        assert_eq!(headers[header::CACHE_CONTROL], IMMUTABLE, "{accept}");
        assert_eq!(
            headers
                .get(header::CONTENT_ENCODING)
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accept}"
        );
        assert_eq!(got, body, "{accept}");
    }

    let (status, headers, css) = get(&router, APP_CSS_HREF, "identity").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], IMMUTABLE);
    assert_eq!(css, errscope::server::http::assets::APP_CSS.as_bytes());

    // Plain names still answer, and are revalidated on each use.
    let (status, headers, body) = get(&router, "/pkg/errscope.wasm", "identity").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    assert_eq!(body, WASM);
    let (_, headers, _) = get(&router, "/app.css", "identity").await;
    assert_eq!(headers[header::CACHE_CONTROL], "public, max-age=300");

    // An earlier release's name, or a path out of the folder, is not found.
    for path in [
        "/pkg/errscope.0123456789abcdef.js",
        "/pkg/../Cargo.toml",
        "/pkg/%2e%2e/Cargo.toml",
    ] {
        let (status, _, _) = get(&router, path, "identity").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }

    // A new build is a new name.
    std::fs::write(site.0.join("pkg/errscope.wasm"), b"\0asm the next release").unwrap();
    assert_ne!(fingerprint(&site_root), Some(hash));
}

#[test]
fn a_site_without_a_build_has_no_fingerprint() {
    let empty = Dir::new();
    assert_eq!(fingerprint(&empty.0.to_string_lossy()), None);
}

//! Cross-site request forgery: every state-changing request must come from this site.
//! Leptos server functions do not check the origin themselves (leptos-rs/leptos#3786).
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Why a request was refused as cross-site, or None when it may proceed.
pub fn cross_site(method: &Method, path: &str, headers: &HeaderMap) -> Option<&'static str> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return None;
    }
    // The relay-facing API authenticates with a bearer key, never with the cookie.
    if path.starts_with("/api/v1/") {
        return None;
    }
    let value = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = value("sec-fetch-site") {
        return (!matches!(site, "same-origin" | "none"))
            .then_some("cross-site request refused (Sec-Fetch-Site)");
    }
    if let Some(origin) = value(header::ORIGIN.as_str()) {
        let host = value(header::HOST.as_str()).unwrap_or_default();
        let origin_host = origin
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or_default();
        return (origin == "null" || origin_host != host)
            .then_some("cross-site request refused (Origin does not match Host)");
    }
    // Neither header: not a browser (browsers send Origin on every POST), so no ambient cookie
    // is being borrowed; SameSite=Lax cookies cover older browsers.
    None
}

pub async fn same_origin(req: Request, next: Next) -> Response {
    match cross_site(req.method(), req.uri().path(), req.headers()) {
        Some(reason) => (StatusCode::FORBIDDEN, reason).into_response(),
        None => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn cross_site_posts_are_refused_and_same_site_ones_pass() {
        let post = Method::POST;
        let host = ("host", "127.0.0.1:3000");
        assert!(cross_site(
            &post,
            "/api/x",
            &headers(&[("sec-fetch-site", "cross-site")])
        )
        .is_some());
        assert!(cross_site(
            &post,
            "/api/x",
            &headers(&[("sec-fetch-site", "same-site")])
        )
        .is_some());
        assert!(cross_site(
            &post,
            "/api/x",
            &headers(&[("sec-fetch-site", "same-origin")])
        )
        .is_none());
        assert!(cross_site(
            &post,
            "/login",
            &headers(&[host, ("origin", "http://evil.example")])
        )
        .is_some());
        assert!(cross_site(&post, "/login", &headers(&[host, ("origin", "null")])).is_some());
        assert!(cross_site(
            &post,
            "/login",
            &headers(&[host, ("origin", "http://127.0.0.1:3000")])
        )
        .is_none());
        assert!(cross_site(
            &Method::GET,
            "/logs",
            &headers(&[("sec-fetch-site", "cross-site")])
        )
        .is_none());
        assert!(cross_site(
            &post,
            "/api/v1/logs",
            &headers(&[("sec-fetch-site", "cross-site")])
        )
        .is_none());
    }
}

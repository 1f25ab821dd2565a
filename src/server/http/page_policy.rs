//! The Content-Security-Policy of every answer. A page's scripts run by a nonce minted here,
//! before the page renders: the router hands it to Leptos (`page_nonce`), which puts it on
//! every script it writes, and the answer's policy is set here from the same value, for any
//! HTML answer however it was made. Everything else (JSON, CSV, assets) may run nothing.
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;

/// The script nonce of one request.
#[derive(Clone, Debug)]
pub struct PageNonce(pub Arc<str>);

/// The policy of an HTML page whose scripts carry `nonce`.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// For every other answer: nothing may run.
pub const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// 128 random bits, base64url.
fn mint() -> Arc<str> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(rand::random::<[u8; 16]>())
        .into()
}

/// The nonce Leptos should write on this request's scripts (called in the render's context).
pub fn page_nonce() -> Option<leptos::nonce::Nonce> {
    let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
    let nonce = parts.extensions.get::<PageNonce>()?;
    Some(leptos::nonce::Nonce::from_value(nonce.0.clone()))
}

fn is_html(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"))
}

/// Mints the request's nonce, then gives the answer its policy.
pub async fn content_security_policy(mut req: Request, next: Next) -> Response {
    let nonce = mint();
    req.extensions_mut().insert(PageNonce(nonce.clone()));
    let mut res = next.run(req).await;
    let policy = if is_html(&res) {
        HeaderValue::from_str(&page_csp(&nonce)).ok()
    } else {
        Some(HeaderValue::from_static(DEFAULT_CSP))
    };
    if let Some(value) = policy {
        res.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_fresh_and_fit_a_header() {
        let (a, b) = (mint(), mint());
        assert_ne!(a, b);
        assert_eq!(a.len(), 22);
        assert!(HeaderValue::from_str(&page_csp(&a)).is_ok());
    }
}

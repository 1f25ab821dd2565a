//! Admin forms post to their server function as plain forms (pages are rendered on the
//! server, not hydrated), and the function answers with a redirect back to the page. What it
//! answered ("saved", a new key) is kept in the session for that next page, which shows it
//! once: the page takes it out of the session before it renders. The session is a database
//! row, so what it keeps is sealed (`sealed`) and the key that opens it travels in a cookie
//! of its own: a new API key is never stored in plain text, even for that one redirect.
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tower_sessions::cookie::Cookie;
use tower_sessions::Session;

use super::sealed;

const KEY: &str = "form_answer";
/// The cookie holding the key that opens the kept answer (for the next page only).
const OPENER: &str = "errscope_answer";
/// Server functions answer a few hundred bytes; anything past this is not kept.
const MAX_ANSWER: usize = 64 * 1024;

/// A server function's answer to a plain form post, for the page it redirected to.
#[derive(Clone, Debug)]
pub struct KeptAnswer {
    /// The server function's path (`ServerFn::PATH`).
    pub path: String,
    /// Its answer as the function encoded it (JSON).
    pub body: String,
}

/// A kept answer as the session holds it: sealed, bound to the function's path.
#[derive(Serialize, Deserialize)]
struct SealedAnswer {
    path: String,
    sealed: String,
}

impl SealedAnswer {
    fn open(self, key: &str) -> Option<KeptAnswer> {
        let bytes = hex::decode(&self.sealed).ok()?;
        let body = sealed::open(key, bytes, &self.path)?;
        Some(KeptAnswer {
            body: String::from_utf8(body).ok()?,
            path: self.path,
        })
    }
}

/// The opener cookie's value in a request, if it has one.
fn opener(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .flatten()
        .find(|c| c.name() == OPENER)
        .map(|c| c.value().to_string())
}

/// `Set-Cookie` for the opener: the key for the next page, or (none) its removal.
fn set_opener(headers: &mut HeaderMap, key: Option<&str>) {
    let value = match key {
        Some(k) => format!("{OPENER}={k}; Path=/; Max-Age=300; HttpOnly; SameSite=Lax"),
        None => format!("{OPENER}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"),
    };
    if let Ok(v) = HeaderValue::from_str(&value) {
        headers.append(header::SET_COOKIE, v);
    }
}

pub async fn keep_form_answers(mut req: Request, next: Next) -> Response {
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return next.run(req).await;
    };
    let wants_page = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if !wants_page {
        return next.run(req).await;
    }
    let path = req.uri().path().to_string();
    if req.method() == Method::POST && path.starts_with("/api/") {
        let answer = next.run(req).await;
        return keep(&session, path, answer).await;
    }
    // Only the browser that posted holds the opener: another tab or device on the same session
    // (or a page without it) leaves the answer for the page it was kept for.
    let Some(key) = opener(req.headers()).filter(|_| req.method() == Method::GET) else {
        return next.run(req).await;
    };
    let kept = match session.get::<SealedAnswer>(KEY).await {
        Ok(kept) => kept.and_then(|k| k.open(&key)),
        Err(e) => {
            tracing::warn!(error = %e, "a kept form answer could not be read");
            None
        }
    };
    if let Some(answer) = kept {
        if let Err(e) = session.remove_value(KEY).await {
            tracing::warn!(error = %e, "a kept form answer could not be taken out");
        }
        req.extensions_mut().insert(answer);
    }
    let mut res = next.run(req).await;
    set_opener(res.headers_mut(), None);
    res
}

/// Keeps the answer when the function worked and sent the browser back (a failure goes back
/// with the error in the address instead, which the page reads). A failure's own status
/// (400, 401, 403) would have the browser show the bare answer: a form is always sent back.
async fn keep(session: &Session, path: String, mut answer: Response) -> Response {
    if answer.headers().contains_key(header::LOCATION) && !answer.status().is_redirection() {
        *answer.status_mut() = StatusCode::SEE_OTHER;
        return answer;
    }
    let worked = answer.status().is_redirection()
        && answer
            .headers()
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .is_some_and(|l| !l.contains("__err="));
    if !worked {
        return answer;
    }
    let (parts, body) = answer.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ANSWER).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let mut answer = Response::from_parts(parts, Body::from(bytes.clone()));
    let Some(sealed) = sealed::seal(&bytes, &path) else {
        tracing::warn!("a form answer could not be sealed for the next page");
        return answer;
    };
    let kept = SealedAnswer {
        path,
        sealed: hex::encode(&sealed.bytes),
    };
    match session.insert(KEY, kept).await {
        Ok(()) => set_opener(answer.headers_mut(), Some(&sealed.key)),
        Err(e) => tracing::warn!(error = %e, "a form answer could not be kept for the next page"),
    }
    answer
}

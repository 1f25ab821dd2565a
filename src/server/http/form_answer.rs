//! Admin forms post to their server function as plain forms (pages are rendered on the
//! server, not hydrated), and the function answers with a redirect back to the page. What it
//! answered ("saved", a new key) is kept in the session for that next page, which shows it
//! once: the page takes it out of the session before it renders.
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

const KEY: &str = "form_answer";
/// Server functions answer a few hundred bytes; anything past this is not kept.
const MAX_ANSWER: usize = 64 * 1024;

/// A server function's answer to a plain form post, for the page it redirected to.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KeptAnswer {
    /// The server function's path (`ServerFn::PATH`).
    pub path: String,
    /// Its answer as the function encoded it (JSON).
    pub body: String,
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
    if req.method() == Method::GET {
        match session.remove::<KeptAnswer>(KEY).await {
            Ok(Some(kept)) => {
                req.extensions_mut().insert(kept);
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "a kept form answer could not be read"),
        }
    }
    next.run(req).await
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
    let kept = KeptAnswer {
        path,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    if let Err(e) = session.insert(KEY, kept).await {
        tracing::warn!(error = %e, "a form answer could not be kept for the next page");
    }
    Response::from_parts(parts, Body::from(bytes))
}

//! Sessions (tower-sessions, stored in the database) and the middleware that turns a session
//! into a `Viewer` on the request, or sends a signed-out browser to the sign-in page.
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use tower_sessions::cookie::{time::Duration, SameSite};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions::{Expiry, Session, SessionManagerLayer};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use super::viewer::Viewer;
use crate::domain::access::sign_in_href;
use crate::server::store::{Pool, Store};
use crate::server::time::now_ms;

pub const COOKIE: &str = "errscope_session";
/// The session cookie's name when every browser comes over https: the `__Host-` prefix makes
/// browsers refuse it unless it is Secure, for this host only, on every path.
pub const SECURE_COOKIE: &str = "__Host-errscope_session";
pub(super) const KEY: &str = "auth";

/// Session lifetimes and cookie flags (from the command line).
#[derive(Clone, Copy, Debug)]
pub struct SessionSettings {
    /// Signed out after this long without a request.
    pub idle_minutes: i64,
    /// Signed out this long after signing in, active or not.
    pub absolute_hours: i64,
    /// Cookies only over https (set when errscope is served over TLS, directly or by a proxy).
    pub secure_cookies: bool,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            idle_minutes: 120,
            absolute_hours: 12,
            secure_cookies: false,
        }
    }
}

/// What a session holds once its owner has signed in.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionAuth {
    pub account_id: i64,
    /// The account's `session_epoch` at sign-in; a later bump ends the session.
    pub epoch: i64,
    pub signed_in_ms: i64,
    /// When a request last saved this session (which moves its idle expiry on).
    #[serde(default)]
    pub seen_ms: i64,
}

impl SessionAuth {
    /// A session signed in now.
    pub fn starting_now(account_id: i64, epoch: i64) -> SessionAuth {
        let now = now_ms();
        SessionAuth {
            account_id,
            epoch,
            signed_in_ms: now,
            seen_ms: now,
        }
    }
}

/// A session is saved only when it changes, at most this often for activity alone: a page
/// that saved every session it read would write back the copy it read at its start over
/// whatever a concurrent request stored meanwhile (a kept form answer, a sign-out), and cost
/// a database write per page.
const SEEN_EVERY_MS: i64 = 60_000;

fn due_for_saving(auth: &SessionAuth, now_ms: i64) -> bool {
    now_ms - auth.seen_ms >= SEEN_EVERY_MS
}

/// Sessions kept in the store's own database, whichever backend it is.
#[derive(Clone, Debug)]
pub enum Sessions {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Sessions {
    async fn open(store: &Store) -> Result<Sessions, sqlx::Error> {
        Ok(match store.pool() {
            Pool::Sqlite(p) => {
                let s = SqliteStore::new(p.clone());
                s.migrate().await?;
                Sessions::Sqlite(s)
            }
            Pool::Postgres(p) => {
                let s = PostgresStore::new(p.clone());
                s.migrate().await?;
                Sessions::Postgres(s)
            }
        })
    }
}

/// Forwards each call to the backend's own store.
macro_rules! forward {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            Sessions::Sqlite($s) => $call,
            Sessions::Postgres($s) => $call,
        }
    };
}

#[async_trait::async_trait]
impl SessionStore for Sessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        forward!(self, s => s.create(record).await)
    }
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        forward!(self, s => s.save(record).await)
    }
    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        forward!(self, s => s.load(id).await)
    }
    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        forward!(self, s => s.delete(id).await)
    }
}

#[async_trait::async_trait]
impl ExpiredDeletion for Sessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        forward!(self, s => s.delete_expired().await)
    }
}

pub async fn session_layer(
    store: &Store,
    settings: SessionSettings,
) -> Result<SessionManagerLayer<Sessions>, sqlx::Error> {
    let sessions = Sessions::open(store).await?;
    {
        let sessions = sessions.clone();
        tokio::spawn(
            sessions.continuously_delete_expired(tokio::time::Duration::from_secs(15 * 60)),
        );
    }
    Ok(SessionManagerLayer::new(sessions)
        .with_name(if settings.secure_cookies {
            SECURE_COOKIE
        } else {
            COOKIE
        })
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.secure_cookies)
        .with_expiry(Expiry::OnInactivity(Duration::minutes(
            settings.idle_minutes,
        ))))
}

pub async fn sign_in(
    session: &Session,
    auth: SessionAuth,
) -> Result<(), tower_sessions::session::Error> {
    // A new id at sign-in: a session id planted before sign-in is worth nothing after it.
    session.cycle_id().await?;
    session.insert(KEY, auth).await
}

/// The account behind a session, if it is still allowed in.
async fn viewer_of(store: &Store, session: &Session, settings: SessionSettings) -> Option<Viewer> {
    let auth: SessionAuth = session.get(KEY).await.ok().flatten()?;
    let now = now_ms();
    let fresh = now - auth.signed_in_ms < settings.absolute_hours * 3_600_000;
    let stored = store.account(auth.account_id).await.ok().flatten();
    match stored {
        Some(s) if fresh && !s.account.disabled && s.session_epoch == auth.epoch => {
            if due_for_saving(&auth, now) {
                let seen = SessionAuth {
                    seen_ms: now,
                    ..auth
                };
                if let Err(e) = session.insert(KEY, seen).await {
                    tracing::warn!(error = %e, "a session's activity could not be noted");
                }
            }
            Some(Viewer { account: s.account })
        }
        _ => {
            let _ = session.flush().await;
            None
        }
    }
}

/// Paths that need no account: sign-in, assets, the catalogue and the API reference, the
/// key-authenticated API and the token-authenticated metrics.
fn is_public(path: &str) -> bool {
    path == "/login"
        || path == "/healthz"
        || path == "/metrics"
        || path == "/reference"
        || path == "/reference/api"
        || path.starts_with("/api/v1/")
        || crate::server::http::assets::is_asset(path)
}

#[derive(Clone)]
pub struct SessionState {
    pub store: Store,
    pub settings: SessionSettings,
}

/// Puts the signed-in `Viewer` on the request. A signed-out browser asking for a page is sent
/// to the sign-in page (and back afterwards); server functions answer for themselves.
pub async fn resolve_viewer(
    State(state): State<SessionState>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    let session = req.extensions().get::<Session>().cloned();
    let viewer = match &session {
        Some(s) if !crate::server::http::assets::is_asset(&path) => {
            viewer_of(&state.store, s, state.settings).await
        }
        _ => None,
    };
    crate::server::http::lang::settle_lang(&mut req, viewer.as_ref().map(|v| &v.account));
    crate::server::http::prefs::settle_theme(&mut req, viewer.as_ref().map(|v| &v.account));
    match viewer {
        Some(v) => {
            req.extensions_mut().insert(v);
        }
        None if req.method() == Method::GET && !is_public(&path) && !path.starts_with("/api/") => {
            let target = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/logs".into());
            return Redirect::to(&sign_in_href(&target)).into_response();
        }
        None => {}
    }
    next.run(req).await
}

/// A path on this site to send a browser back to, else `/logs`. Only printable ASCII: a
/// browser drops tabs and newlines from a `Location` (so `/\t/evil.example` would become
/// `//evil.example`), reads a backslash as a slash, and a control character or a non-ASCII
/// letter is no valid header value. The path may not start with a second slash.
pub fn same_site_path(path: Option<&str>) -> &str {
    match path {
        Some(p)
            if p.starts_with('/')
                && !p[1..].starts_with('/')
                && p.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            p
        }
        _ => "/logs",
    }
}

/// Where to go after signing in: a path on this site other than the sign-in page itself.
pub fn safe_next(next: &str) -> &str {
    match same_site_path(Some(next)) {
        p if p.starts_with("/login") => "/logs",
        p => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activity_saves_a_session_at_most_once_a_minute() {
        let auth = SessionAuth::starting_now(1, 0);
        assert!(!due_for_saving(&auth, auth.seen_ms + 59_999));
        assert!(due_for_saving(&auth, auth.seen_ms + 60_000));
        let before_the_field = SessionAuth { seen_ms: 0, ..auth };
        assert!(due_for_saving(&before_the_field, now_ms()));
    }

    #[test]
    fn next_targets_stay_on_site() {
        assert_eq!(safe_next("/logs?status=5xx"), "/logs?status=5xx");
        assert_eq!(safe_next("/health"), "/health");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "/x\\evil",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\0",
            "/ /evil",
            "/日志",
            "",
            "logs",
            "/login",
        ] {
            assert_eq!(safe_next(bad), "/logs", "{bad}");
        }
    }

    #[test]
    fn only_sign_in_assets_and_the_catalogue_are_public() {
        for p in ["/login", "/pkg/errscope.wasm", "/api/v1/logs", "/reference"] {
            assert!(is_public(p), "{p}");
        }
        for p in ["/logs", "/logs/12", "/health", "/admin/users", "/logs.csv"] {
            assert!(!is_public(p), "{p}");
        }
    }
}

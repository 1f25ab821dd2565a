//! Who asks in the current request: the viewer, their zone and language, and the store.
use crate::domain::lang::Lang;
use crate::domain::notice::Notice;
use crate::server::auth::{AccessError, Viewer};
use crate::server::store::{Store, StoreError};
use crate::server::time::Zone;

/// Why a page's data could not be served.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub fn store() -> Result<Store, StoreError> {
    leptos::prelude::use_context::<Store>().ok_or(StoreError::Db(sqlx::Error::PoolClosed))
}

/// Who asks in the current request, in which zone and language, and the store to ask.
pub struct Asker {
    pub store: Store,
    pub viewer: Viewer,
    pub zone: Zone,
    pub lang: Lang,
}

impl Asker {
    /// `tz` and `lang`: what the URL named, if anything.
    pub async fn current(tz: Option<&str>, lang: Option<&str>) -> Result<Asker, PageError> {
        let viewer = Viewer::current()?;
        Ok(Asker {
            zone: viewer_zone(tz).await,
            lang: viewer_lang(lang),
            store: store()?,
            viewer,
        })
    }
}

/// The viewer's zone: the one named in the URL, else the account's setting, else the
/// browser's (its cookie), else UTC.
pub async fn viewer_zone(explicit: Option<&str>) -> Zone {
    let headers: Option<axum::http::HeaderMap> = leptos_axum::extract().await.ok();
    let cookie = headers
        .as_ref()
        .and_then(|h| h.get(axum::http::header::COOKIE))
        .and_then(|v| v.to_str().ok())
        .and_then(Zone::from_cookie_header);
    let chosen = Viewer::current().ok().and_then(|v| v.account.time_zone);
    Zone::pick([explicit, chosen.as_deref(), cookie.as_deref()])
}

/// A notice when the URL named a time zone this server does not know.
pub fn zone_notice(explicit: Option<&str>, used: &Zone) -> Option<Notice> {
    let given = explicit.map(str::trim).filter(|t| !t.is_empty())?;
    (!Zone::is_known(given)).then(|| Notice::unknown_zone(given, used.name()))
}

/// The viewer's language: `?lang=`, else the page language `resolve_viewer` settled on
/// (the language cookie, the account's setting, `Accept-Language`), else English.
pub fn viewer_lang(explicit: Option<&str>) -> Lang {
    if let Some(l) = explicit.filter(|l| !l.is_empty()) {
        return Lang::parse(l);
    }
    leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<Lang>().copied())
        .unwrap_or_default()
}

//! `POST /prefs/theme`: remembers the colour theme in a cookie and on the account, and goes
//! back to the page; the theme of each request; the cookie and the way back that the language
//! switch (`lang.rs`) shares.
use axum::extract::rejection::FormRejection;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};

use crate::domain::access::Account;
use crate::domain::prefs::{Theme, THEME_COOKIE};
use crate::server::auth::session::same_site_path;
use crate::server::auth::Viewer;
use crate::server::store::{AccountPref, Store};

/// Every `Cookie` header of a request, as one.
pub fn request_cookies(req: &Request) -> String {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The theme this request is served in: the switch's cookie, else the account's setting, else
/// the system's. Put on the request for the page shell.
pub fn settle_theme(req: &mut Request, account: Option<&Account>) {
    let theme = Theme::from_cookie_header(&request_cookies(req))
        .or(account.and_then(|a| a.theme))
        .unwrap_or(Theme::System);
    req.extensions_mut().insert(theme);
}

#[derive(serde::Deserialize)]
pub struct ThemeForm {
    theme: String,
    back: Option<String>,
}

/// Remembers the theme in a cookie and, for a signed-in viewer, on the account (so it follows
/// them to another browser), then goes back to the page.
pub async fn set_theme(
    State(store): State<Store>,
    viewer: Option<Extension<Viewer>>,
    form: Result<Form<ThemeForm>, FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return (StatusCode::BAD_REQUEST, "expected theme=system|light|dark").into_response();
    };
    let Some(theme) = Theme::parse(&form.theme) else {
        return (
            StatusCode::BAD_REQUEST,
            "theme must be system, light or dark",
        )
            .into_response();
    };
    if let Some(Extension(v)) = viewer {
        let saved = (theme != Theme::System).then_some(theme);
        if let Err(e) = store
            .set_account_pref(v.account.id, &AccountPref::Theme(saved))
            .await
        {
            tracing::warn!("could not save the theme of {}: {e}", v.account.username);
        }
    }
    // "System" is a cookie too: it must win over a dark or light setting of the account.
    remember(THEME_COOKIE, Some(theme.as_str()), form.back.as_deref())
}

/// The `Set-Cookie` value that keeps a preference for a year, or forgets it (None).
pub fn pref_cookie(name: &str, value: Option<&str>) -> String {
    match value {
        Some(v) => format!("{name}={v}; Path=/; Max-Age=31536000; SameSite=Lax"),
        None => format!("{name}=; Path=/; Max-Age=0; SameSite=Lax"),
    }
}

/// Keeps (or forgets) a preference cookie and goes back to the page on this site.
pub(super) fn remember(name: &str, value: Option<&str>, back: Option<&str>) -> Response {
    (
        [(header::SET_COOKIE, pref_cookie(name, value))],
        Redirect::to(same_site_path(back)),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::same_site_path as local_path;

    #[test]
    fn goes_back_only_to_a_path_on_this_site() {
        assert_eq!(local_path(Some("/logs?status=502")), "/logs?status=502");
        assert_eq!(local_path(Some("//evil.example/")), "/logs");
        assert_eq!(local_path(Some("https://evil.example/")), "/logs");
        assert_eq!(local_path(Some("/\\evil.example")), "/logs");
        assert_eq!(local_path(Some("/\t/evil.example")), "/logs");
        assert_eq!(local_path(None), "/logs");
    }
}

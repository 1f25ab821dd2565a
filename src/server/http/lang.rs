//! The page language of a request, and `POST /prefs/lang`, the header's language switch.
//!
//! The language is the switch's cookie, else the account's setting, else `Accept-Language`,
//! else English. It is settled once per request and put on the request, where the server
//! functions, leptos_i18n (through `ui::App`) and the shell's `<html lang>` (which the browser
//! half reads at hydration) all take it from.
use axum::extract::rejection::FormRejection;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};

use super::prefs::{pref_cookie, remember, request_cookies};
use crate::domain::access::Account;
use crate::domain::lang::Lang;
use crate::domain::prefs::{cookie_value, LANG_COOKIE};
use crate::server::auth::Viewer;
use crate::server::store::{AccountPref, Store};

/// The language this request is served in (see the module comment for the order).
pub fn request_lang(cookies: &str, account: Option<&Account>, accept_language: &str) -> Lang {
    cookie_value(cookies, LANG_COOKIE)
        .and_then(Lang::from_code)
        .or(account.and_then(|a| a.lang))
        .unwrap_or_else(|| Lang::from_accept_language(accept_language))
}

/// Settles the request's language and puts it on the request.
pub fn settle_lang(req: &mut Request, account: Option<&Account>) {
    let cookies = request_cookies(req);
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let lang = request_lang(&cookies, account, accept);
    req.extensions_mut().insert(lang);
}

/// The `Set-Cookie` value that keeps `lang` for a year.
pub fn lang_cookie(lang: Lang) -> String {
    pref_cookie(LANG_COOKIE, Some(lang.code()))
}

#[derive(serde::Deserialize)]
pub struct LangForm {
    lang: String,
    back: Option<String>,
}

/// Remembers the language in a cookie and, for a signed-in viewer, on the account (so it
/// follows them to another browser), then goes back to the page.
pub async fn set_lang(
    State(store): State<Store>,
    viewer: Option<Extension<Viewer>>,
    form: Result<Form<LangForm>, FormRejection>,
) -> Response {
    let Some((lang, back)) = form
        .ok()
        .and_then(|Form(f)| Some((Lang::from_code(&f.lang)?, f.back)))
    else {
        return (StatusCode::BAD_REQUEST, "lang must be en or zh").into_response();
    };
    if let Some(Extension(v)) = viewer {
        if let Err(e) = store
            .set_account_pref(v.account.id, &AccountPref::Lang(Some(lang)))
            .await
        {
            tracing::warn!("could not save the language of {}: {e}", v.account.username);
        }
    }
    remember(LANG_COOKIE, Some(lang.code()), back.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::access::Role;

    fn account(lang: Option<Lang>) -> Account {
        Account {
            id: 1,
            username: "li".into(),
            role: Role::User,
            relay_user_id: Some(7),
            disabled: false,
            lang,
            time_zone: None,
            theme: None,
        }
    }

    #[test]
    fn the_switch_beats_the_account_which_beats_the_browser() {
        let zh = Some(account(Some(Lang::Zh)));
        assert_eq!(
            request_lang("errscope_lang=en", zh.as_ref(), "zh-CN"),
            Lang::En
        );
        assert_eq!(request_lang("a=1", zh.as_ref(), "en-US,en"), Lang::Zh);
        assert_eq!(
            request_lang("", Some(&account(None)), "zh-TW,zh;q=0.9"),
            Lang::Zh
        );
        assert_eq!(request_lang("errscope_lang=fr", None, "de-DE"), Lang::En);
        assert_eq!(request_lang("", None, ""), Lang::En);
    }
}

//! `POST /prefs/theme`: remembers the colour theme in a cookie and goes back to the page; the
//! cookie and the way back that the language switch (`lang.rs`) shares.
use axum::extract::rejection::FormRejection;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;

use crate::server::auth::session::same_site_path;
use crate::ui::components::theme_switch::{Theme, THEME_COOKIE};

#[derive(serde::Deserialize)]
pub struct ThemeForm {
    theme: String,
    back: Option<String>,
}

pub async fn set_theme(form: Result<Form<ThemeForm>, FormRejection>) -> Response {
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
    let value = (theme != Theme::System).then_some(theme.as_str());
    remember(THEME_COOKIE, value, form.back.as_deref())
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

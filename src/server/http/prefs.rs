//! `POST /prefs/theme`: remembers the colour theme in a cookie and goes back to the page.
use axum::extract::rejection::FormRejection;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;

use crate::ui::components::theme_switch::{Theme, THEME_COOKIE};

#[derive(serde::Deserialize)]
pub struct ThemeForm {
    theme: String,
    back: Option<String>,
}

/// Only a path on this site: never `//elsewhere` or a full URL.
pub(super) fn local_path(back: Option<&str>) -> &str {
    match back {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p,
        _ => "/logs",
    }
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
    let cookie = match theme {
        Theme::System => format!("{THEME_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax"),
        t => format!(
            "{THEME_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            t.as_str()
        ),
    };
    (
        [(header::SET_COOKIE, cookie)],
        Redirect::to(local_path(form.back.as_deref())),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn goes_back_only_to_a_path_on_this_site() {
        assert_eq!(local_path(Some("/logs?status=502")), "/logs?status=502");
        assert_eq!(local_path(Some("//evil.example/")), "/logs");
        assert_eq!(local_path(Some("https://evil.example/")), "/logs");
        assert_eq!(local_path(Some("/\\evil.example")), "/logs");
        assert_eq!(local_path(None), "/logs");
    }
}

//! Light, dark, or the system's choice (the default). The choice is a cookie, so the server
//! renders the page in it from the first byte; "system" is resolved by a one-line script in
//! the page head (without JavaScript it shows the light theme).
use leptos::prelude::*;

use crate::i18n::{t_string, use_i18n};
use crate::ui::components::choice_form::{Choice, ChoiceForm};

pub const THEME_COOKIE: &str = "errscope_theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn parse(s: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The `color-scheme` the browser should use for its own controls.
    pub fn color_scheme(self) -> &'static str {
        match self {
            Theme::System => "light dark",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The theme a `Cookie` header asks for.
    pub fn from_cookie_header(header: &str) -> Theme {
        crate::ui::cookie::cookie_value(header, THEME_COOKIE)
            .and_then(Theme::parse)
            .unwrap_or(Theme::System)
    }

    /// The theme of the page being rendered (server) or shown (browser).
    pub fn current() -> Theme {
        #[cfg(feature = "ssr")]
        let header = use_context::<axum::http::request::Parts>().and_then(|p| {
            p.headers
                .get(axum::http::header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        });
        #[cfg(not(feature = "ssr"))]
        let header = {
            use wasm_bindgen::JsCast;
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
                .and_then(|d| d.cookie().ok())
        };
        header
            .map(|h| Theme::from_cookie_header(&h))
            .unwrap_or(Theme::System)
    }
}

/// Applies the system's dark preference when the theme is "system" (runs before first paint).
pub const SYSTEM_THEME_SCRIPT: &str = "if(matchMedia('(prefers-color-scheme: dark)').matches)document.documentElement.classList.add('dark')";

/// Three buttons in the header.
#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let choices = Theme::ALL
        .into_iter()
        .map(|t| Choice {
            value: t.as_str(),
            label: match t {
                Theme::System => t_string!(i18n, theme.system),
                Theme::Light => t_string!(i18n, theme.light),
                Theme::Dark => t_string!(i18n, theme.dark),
            }
            .to_string(),
            lang: None,
        })
        .collect();
    view! {
        <ChoiceForm action="/prefs/theme" name="theme" label=t_string!(i18n, theme.label).to_string()
            choices current=Theme::current().as_str()/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_theme_cookie_and_defaults_to_the_system() {
        assert_eq!(
            Theme::from_cookie_header("a=1; errscope_theme=dark"),
            Theme::Dark
        );
        assert_eq!(
            Theme::from_cookie_header("errscope_theme=light; b=2"),
            Theme::Light
        );
        assert_eq!(
            Theme::from_cookie_header("errscope_theme=neon"),
            Theme::System
        );
        assert_eq!(Theme::from_cookie_header(""), Theme::System);
    }
}

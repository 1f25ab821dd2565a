//! Light, dark, or the system's choice (the default). The choice is a cookie and, for a
//! signed-in viewer, the account's setting, so the server renders the page in it from the
//! first byte; "system" is resolved by a one-line script in
//! the page head (without JavaScript it shows the light theme).
use leptos::prelude::*;

pub use crate::domain::prefs::Theme;
use crate::i18n::{t_string, use_i18n};
use crate::ui::components::choice_form::{Choice, ChoiceForm};

/// The theme of the page being rendered (server: settled for the request from the cookie,
/// else the account) or shown (browser: the one the server wrote on `<html data-theme>`).
pub fn current_theme() -> Theme {
    #[cfg(feature = "ssr")]
    let theme = use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<Theme>().copied());
    #[cfg(not(feature = "ssr"))]
    let theme = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|html| html.get_attribute("data-theme"))
        .and_then(|t| Theme::parse(&t));
    theme.unwrap_or(Theme::System)
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
            choices current=current_theme().as_str()/>
    }
}

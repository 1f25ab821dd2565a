//! What a viewer picked for the console (language, theme, time zone) and the cookies that
//! carry it: read the same way from a request's `Cookie` header (server) and from
//! `document.cookie` (browser).
use serde::{Deserialize, Serialize};

/// The viewer's time zone, as the browser reports it (`/` written `%2F`).
pub const ZONE_COOKIE: &str = "errscope_tz";

/// The page language the viewer picked in the header (`en` or `zh`).
pub const LANG_COOKIE: &str = "errscope_lang";

/// The colour theme the viewer picked in the header (absent: the system's).
pub const THEME_COOKIE: &str = "errscope_theme";

/// The value of cookie `name` in a `Cookie` header, if it is there.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}

/// Light, dark, or the system's choice (the default).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

    /// The theme a `Cookie` header asks for, if it names one.
    pub fn from_cookie_header(header: &str) -> Option<Theme> {
        cookie_value(header, THEME_COOKIE).and_then(Theme::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::cookie_value;

    #[test]
    fn finds_a_cookie_among_others() {
        assert_eq!(
            cookie_value("a=1; errscope_tz=UTC; b=2", "errscope_tz"),
            Some("UTC")
        );
        assert_eq!(cookie_value("a=1;b=2", "b"), Some("2"));
        assert_eq!(cookie_value("xerrscope_tz=UTC", "errscope_tz"), None);
        assert_eq!(cookie_value("", "a"), None);
    }

    #[test]
    fn reads_the_theme_cookie() {
        use super::Theme;
        assert_eq!(
            Theme::from_cookie_header("a=1; errscope_theme=dark"),
            Some(Theme::Dark)
        );
        assert_eq!(
            Theme::from_cookie_header("errscope_theme=light; b=2"),
            Some(Theme::Light)
        );
        assert_eq!(Theme::from_cookie_header("errscope_theme=neon"), None);
        assert_eq!(Theme::from_cookie_header(""), None);
    }
}

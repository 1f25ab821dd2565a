//! The console's own cookies, read the same way from a request's `Cookie` header (server)
//! and from `document.cookie` (browser).

/// The viewer's time zone, as the browser reports it (`/` written `%2F`).
pub const ZONE_COOKIE: &str = "errscope_tz";

/// The page language the viewer picked in the header (`en` or `zh`).
pub const LANG_COOKIE: &str = "errscope_lang";

/// The value of cookie `name` in a `Cookie` header, if it is there.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == name).then_some(v)
    })
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
}

//! The regular-expression engine of the catalogue and of secret masking: on the server the
//! full `regex` crate (its automata test a page's messages against every entry several times
//! faster than regex-lite's walk, which was a sixth of a loaded server's CPU), in the browser
//! `regex-lite`, which keeps the wasm small. The catalogue's patterns mean the same to both
//! (no `\b` or `\w`, whose ASCII and Unicode readings differ; a unit test holds every
//! pattern to that).
use std::borrow::Cow;

#[cfg(feature = "ssr")]
pub use regex::{Captures, Regex};
#[cfg(not(feature = "ssr"))]
pub use regex_lite::{Captures, Regex};

/// `pattern` for the engine in use, with ASCII word boundaries in both: regex-lite has no
/// other, and the full engine's Unicode `\b` finds none between a Chinese character and the
/// key that follows it (`密钥sk-...`).
pub fn with_ascii_boundaries(pattern: &str) -> Cow<'_, str> {
    if cfg!(feature = "ssr") {
        Cow::Owned(pattern.replace(r"\b", r"(?-u:\b)"))
    } else {
        Cow::Borrowed(pattern)
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::catalogue::Catalogue;

    #[test]
    fn catalogue_patterns_read_the_same_to_both_engines() {
        for entry in Catalogue::builtin().entries() {
            let Some(pattern) = &entry.regex else {
                continue;
            };
            for ascii_or_unicode in [r"\b", r"\B", r"\w", r"\W"] {
                assert!(
                    !pattern.contains(ascii_or_unicode),
                    "{}: {ascii_or_unicode} in {pattern}",
                    entry.id
                );
            }
            assert!(regex_lite::Regex::new(pattern).is_ok(), "{}", entry.id);
        }
    }
}

//! Masks secrets in untrusted error text before it is stored or indexed.
use std::sync::OnceLock;

use regex_lite::{Captures, Regex};

/// Longest error content kept, in bytes; longer text is cut at a character boundary and marked.
pub const MAX_CONTENT_BYTES: usize = 16 * 1024;
pub const TRUNCATION_MARKER: &str = " …[truncated]";

struct Patterns {
    provider_key: Regex,
    bearer: Regex,
    assignment: Regex,
    url_credentials: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        // sk-..., sk-proj-..., sk-ant-..., AIza..., xai-..., gsk_..., hf_... (provider key shapes)
        provider_key: Regex::new(
            r"\b(sk-(?:proj-|ant-|or-)?|AIza|xai-|gsk_|hf_|ghp_|r8_)([A-Za-z0-9_\-]{12,})",
        )
        .expect("valid regex"),
        bearer: Regex::new(r"(?i)\b(bearer\s+)([A-Za-z0-9._~+/=\-]{8,})").expect("valid regex"),
        assignment: Regex::new(
            r#"(?i)\b((?:api[_-]?key|apikey|key|token|access[_-]?token|secret|password)\s*[=:]\s*"?)([^\s"&,;]{4,})"#,
        )
        .expect("valid regex"),
        url_credentials: Regex::new(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^\s:/@]+):([^\s@/]+)@")
            .expect("valid regex"),
    })
}

/// Keeps a short prefix for recognition and hides the rest.
fn masked(secret: &str) -> String {
    let keep: String = secret.chars().take(4).collect();
    format!("{keep}****")
}

/// Replaces API keys, bearer tokens, `key=`-style assignments and URL credentials.
pub fn mask_secrets(text: &str) -> String {
    let p = patterns();
    let text = p
        .provider_key
        .replace_all(text, |c: &Captures| format!("{}{}", &c[1], masked(&c[2])));
    let text = p
        .bearer
        .replace_all(&text, |c: &Captures| format!("{}{}", &c[1], masked(&c[2])));
    let text = p
        .assignment
        .replace_all(&text, |c: &Captures| format!("{}{}", &c[1], masked(&c[2])));
    let text = p
        .url_credentials
        .replace_all(&text, |c: &Captures| format!("{}{}:****@", &c[1], &c[2]));
    text.into_owned()
}

/// Makes untrusted text safe to store: secrets masked, control characters dropped, length capped.
pub fn sanitize_content(text: &str) -> String {
    let mut masked = mask_secrets(&strip_controls(text, true));
    if masked.len() > MAX_CONTENT_BYTES {
        let mut cut = MAX_CONTENT_BYTES;
        while !masked.is_char_boundary(cut) {
            cut -= 1;
        }
        masked.truncate(cut);
        masked.push_str(TRUNCATION_MARKER);
    }
    masked
}

/// Text without control characters (newlines and tabs kept when `multiline`) and without
/// the bidirectional controls that make text read in another order than it is stored.
pub fn strip_controls(text: &str, multiline: bool) -> String {
    text.chars()
        .filter(|c| {
            let control = c.is_control() && !(multiline && matches!(c, '\n' | '\t'));
            let bidi = matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
            !control && !bidi
        })
        .collect()
}

/// A one-line field as stored: no control characters, secrets masked.
pub fn sanitize_field(text: &str) -> String {
    mask_secrets(strip_controls(text, false).trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_lose_control_and_bidi_characters_and_secrets() {
        assert_eq!(sanitize_field("prod\u{0}key\r\n"), "prodkey");
        assert_eq!(sanitize_field("abc\u{202e}fed"), "abcfed");
        assert!(!sanitize_field("sk-proj-AbCdEf1234567890XYZabc").contains("1234567890"));
        assert_eq!(strip_controls("a\nb\u{7}\tc", true), "a\nb\tc");
    }

    #[test]
    fn masks_provider_keys_and_bearer_tokens() {
        let out =
            mask_secrets("Incorrect API key provided: sk-proj-AbCdEf1234567890XYZabc. See docs");
        assert!(!out.contains("AbCdEf1234567890XYZabc"), "{out}");
        assert!(out.contains("sk-proj-AbCd****"), "{out}");
        let out = mask_secrets("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig");
        assert!(!out.contains("payload"), "{out}");
        assert!(out.contains("Bearer eyJh****"), "{out}");
        let out = mask_secrets("invalid key AIzaSyA1234567890abcdefghijkl for project");
        assert!(!out.contains("1234567890abcdefghijkl"), "{out}");
    }

    #[test]
    fn masks_assignments_and_url_credentials() {
        let out =
            mask_secrets("GET https://api.x.com/v1?api_key=abcdef123456&model=gpt key=zzzz9999");
        assert!(!out.contains("abcdef123456"), "{out}");
        assert!(!out.contains("zzzz9999"), "{out}");
        assert!(out.contains("model=gpt"), "{out}");
        let out = mask_secrets("dial postgres://relay:hunter2secret@db.internal:5432/x failed");
        assert!(!out.contains("hunter2secret"), "{out}");
        assert!(out.contains("postgres://relay:****@db.internal"), "{out}");
    }

    #[test]
    fn leaves_ordinary_error_text_alone() {
        for text in [
            "status_code=401, Invalid token",
            "No available channel for model gpt-5 under group vip",
            "请求失败 [429]: {\"message\":\"Too many requests\"}",
            "tool_use ids were found without tool_result blocks immediately after",
        ] {
            assert_eq!(mask_secrets(text), text);
        }
    }

    #[test]
    fn sanitizes_control_characters_and_length() {
        assert_eq!(sanitize_content("a\u{0}b\u{1b}[31mc\nd"), "ab[31mc\nd");
        let long = "错".repeat(10_000);
        let out = sanitize_content(&long);
        assert!(out.len() <= MAX_CONTENT_BYTES + TRUNCATION_MARKER.len());
        assert!(out.ends_with(TRUNCATION_MARKER));
    }
}

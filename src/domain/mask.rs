//! Masks secrets in untrusted error text before it is stored or indexed.
use std::sync::OnceLock;

use super::pattern::{with_ascii_boundaries, Captures, Regex};

/// Longest error content kept, in bytes; longer text is cut at a character boundary and marked.
pub const MAX_CONTENT_BYTES: usize = 16 * 1024;
pub const TRUNCATION_MARKER: &str = " …[truncated]";

// The patterns mean the same to both engines (`pattern`): ASCII word boundaries, and
// `[:space:]` (ASCII white space) where the full engine's `\s` would also take Unicode's.
// Only `(?i)` reads wider there: `k` and `s` also match the Kelvin sign and the long s.

/// The providers' key shapes: OpenAI (sk-, sk-proj-), Anthropic (sk-ant-), OpenRouter, Google
/// (AIza), xAI, Groq, Hugging Face, GitHub, GitLab, Replicate, Stripe, Slack.
const PROVIDER_KEY: &str = r"\b(sk-(?:proj-|ant-|or-)?|sk_live_|rk_live_|AIza|xai-|gsk_|hf_|ghp_|github_pat_|glpat-|r8_|xox[bpas]-)([A-Za-z0-9_\-]{12,})";
const AWS_KEY_ID: &str = r"\b(AKIA|ASIA)([A-Z0-9]{16})\b";
const JWT: &str = r"\b(eyJ)([A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,})";
const SCHEME: &str = r"(?i)\b((?:bearer|basic)[[:space:]]+)([A-Za-z0-9._~+/=\-]{8,})";
/// A name that ends in a secret's word (aws_secret_access_key, client_secret, refresh_token,
/// "api_key", x-api-key), then = or : (also URL-encoded, also in JSON quotes), then the value.
const ASSIGNMENT: &str = r#"(?i)\b([a-z0-9_\-]*?(?:api[_-]?key|apikey|access[_-]?key|secret|password|passwd|pwd|token|credentials?|key))((?:"|%22)?[[:space:]]*(?:[=:]|%3d|%3a)[[:space:]]*(?:"|%22)?)([^[:space:]"&,;%]{4,})"#;
const URL_CREDENTIALS: &str = r"(?i)\b([a-z][a-z0-9+.\-]*://)([^[:space:]:/@]+):([^[:space:]@/]+)@";

struct Patterns {
    provider_key: Regex,
    aws_key_id: Regex,
    jwt: Regex,
    scheme: Regex,
    assignment: Regex,
    url_credentials: Regex,
}

fn compiled(pattern: &str) -> Regex {
    Regex::new(&with_ascii_boundaries(pattern)).expect("valid regex")
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        provider_key: compiled(PROVIDER_KEY),
        aws_key_id: compiled(AWS_KEY_ID),
        jwt: compiled(JWT),
        scheme: compiled(SCHEME),
        assignment: compiled(ASSIGNMENT),
        url_credentials: compiled(URL_CREDENTIALS),
    })
}

/// Keeps a short prefix for recognition and hides the rest.
fn masked(secret: &str) -> String {
    let keep: String = secret.chars().take(4).collect();
    format!("{keep}****")
}

/// Replaces API keys, bearer and basic credentials, JWTs, `key=`-style assignments (in
/// query strings, headers and JSON) and URL credentials.
pub fn mask_secrets(text: &str) -> String {
    let p = patterns();
    let keep_prefix = |c: &Captures| format!("{}{}", &c[1], masked(&c[2]));
    let text = p.provider_key.replace_all(text, keep_prefix);
    let text = p.aws_key_id.replace_all(&text, keep_prefix);
    let text = p
        .jwt
        .replace_all(&text, |c: &Captures| format!("{}****", &c[1]));
    let text = p.scheme.replace_all(&text, keep_prefix);
    let text = p.assignment.replace_all(&text, |c: &Captures| {
        let value = &c[3];
        // A secret mixes letters and digits, or is long; a count (max_token: 4096), a word
        // ("key: invalid") or a value already masked is left as it is.
        let mixed = value.chars().any(|ch| ch.is_ascii_digit())
            && value.chars().any(|ch| ch.is_alphabetic());
        if !(mixed || value.chars().count() >= 20) || value.ends_with("****") {
            c[0].to_string()
        } else {
            format!("{}{}{}", &c[1], &c[2], masked(value))
        }
    });
    let text = p
        .url_credentials
        .replace_all(&text, |c: &Captures| format!("{}{}:****@", &c[1], &c[2]));
    text.into_owned()
}

/// Makes untrusted text safe to store: secrets masked, control characters dropped, length capped.
pub fn sanitize_content(text: &str) -> String {
    // Cut before masking (masking megabytes costs CPU for nothing); the margin lets a secret
    // that straddles the cut still be recognised and masked.
    let mut end = text.len().min(MAX_CONTENT_BYTES + 512);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut masked = mask_secrets(&strip_controls(&text[..end], true));
    if masked.len() > MAX_CONTENT_BYTES || end < text.len() {
        let mut cut = MAX_CONTENT_BYTES.min(masked.len());
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

    /// Realistic strings of each shape: (text, the secret part that must not survive).
    #[test]
    fn masks_every_common_secret_shape() {
        for (text, secret) in [
            ("Incorrect API key provided: sk-proj-Xy12Ab34Cd56Ef78Gh90IjKl", "Ab34Cd56Ef78Gh90"),
            ("invalid x-api-key sk-ant-api03-Qq1Ww2Ee3Rr4Tt5Yy6Uu7", "Ee3Rr4Tt5Yy6"),
            ("The security token AKIAIOSFODNN7EXAMPLE is invalid", "IOSFODNN7EXAMPLE"),
            ("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI"),
            ("client_secret=9f8e7d6c5b4a39281706&grant_type=refresh_token", "9f8e7d6c5b4a"),
            ("refresh_token=1//0gLmNoPqRsTuVwXyZ", "LmNoPqRsTuVwXyZ"),
            (r#"{"api_key": "c2VjcmV0LWtleS12YWx1ZQ", "model": "gpt-4o"}"#, "cmV0LWtleS12YWx1ZQ"),
            (r#"{"password":"hunter2-is-long"}"#, "hunter2-is-long"),
            ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA"),
            ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U expired", "eyJzdWIiOiIxMjM0NTY3ODkwIn0"),
            ("GET /v1/models?key%3DAIzaSyB-abcdefghijklmnop1234", "abcdefghijklmnop1234"),
            ("api_key%3Dq1w2e3r4t5y6u7i8", "q1w2e3r4t5y6u7i8"),
            ("token xoxb-123456789012-abcdefABCDEF", "abcdefABCDEF"),
            ("GitHub rejected github_pat_11ABCDEFG0123456789_abcdefghij", "0123456789_abcdefghij"),
        ] {
            let out = mask_secrets(text);
            assert!(!out.contains(secret), "{text:?} -> {out:?}");
        }
    }

    #[test]
    fn masks_keys_written_against_chinese_text() {
        for (text, secret) in [
            (
                "密钥sk-proj-Xy12Ab34Cd56Ef78Gh90IjKl无效",
                "Ab34Cd56Ef78Gh90",
            ),
            ("令牌：api_key=q1w2e3r4t5y6u7i8，已过期", "q1w2e3r4t5y6u7i8"),
            ("认证失败Bearer eyJhbGciOiJIUzI1NiJ9.x.y", "GciOiJIUzI1NiJ9"),
        ] {
            let out = mask_secrets(text);
            assert!(!out.contains(secret), "{text:?} -> {out:?}");
        }
    }

    /// The server masks with the full engine, the browser with regex-lite: every pattern
    /// finds the same spans in both, in ASCII, Chinese and Unicode-spaced text.
    #[cfg(feature = "ssr")]
    #[test]
    fn both_engines_find_the_same_secrets() {
        let texts = [
            "Incorrect API key provided: sk-proj-Xy12Ab34Cd56Ef78Gh90IjKl. See docs",
            "密钥sk-proj-Xy12Ab34Cd56Ef78Gh90IjKl无效",
            "错误AKIAIOSFODNN7EXAMPLE密钥",
            "token\u{3000}=\u{3000}abc123def456 and password:\u{a0}hunter2hunter2",
            "api_key=密钥密钥12345678&x=1",
            "Authorization: Bearer\u{2003}eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3",
            "dial postgres://用户:密码hunter2@db.internal:5432/x failed",
            "请求失败 [429]: {\"message\":\"Too many requests\", \"api_key\": \"c2VjcmV0LWtleS12YWx1ZQ\"}",
            "The security token ÅKIAIOSFODNN7EXAMPLE is invalid; éyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx.sig12345",
        ];
        for pattern in [
            PROVIDER_KEY,
            AWS_KEY_ID,
            JWT,
            SCHEME,
            ASSIGNMENT,
            URL_CREDENTIALS,
        ] {
            let full: regex::Regex = compiled(pattern);
            let lite = regex_lite::Regex::new(pattern).unwrap();
            for text in texts {
                let by_full: Vec<_> = full.find_iter(text).map(|m| m.range()).collect();
                let by_lite: Vec<_> = lite.find_iter(text).map(|m| m.range()).collect();
                assert_eq!(by_full, by_lite, "{pattern} in {text:?}");
            }
        }
    }

    #[test]
    fn leaves_ordinary_error_text_alone() {
        for text in [
            "status_code=401, Invalid token",
            "No available channel for model gpt-5 under group vip",
            "请求失败 [429]: {\"message\":\"Too many requests\"}",
            "tool_use ids were found without tool_result blocks immediately after",
            "max_tokens: 100000 > 8192, which is the maximum allowed",
            "This model's maximum context length is 128000 tokens. However, you requested 130000 tokens",
            "prompt_tokens=12, completion_tokens=0",
            "Invalid token provided, token: expired",
            "api key: invalid or revoked",
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

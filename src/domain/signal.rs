//! What an error row tells us, and what hides inside it: relays wrap upstream errors
//! (`请求失败 [429]: {...}`, `bad response status code 520`, escaped JSON bodies).
use serde::{Deserialize, Serialize};

/// The facts of one failed request that attribution looks at.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    pub status: Option<u16>,
    pub code: Option<String>,
    pub message: String,
}

/// An upstream error found inside the message text.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Inner {
    pub status: Option<u16>,
    pub code: Option<String>,
    pub error_type: Option<String>,
    pub message: Option<String>,
    pub param: Option<String>,
}

impl Inner {
    pub fn is_empty(&self) -> bool {
        self.status.is_none() && self.code.is_none() && self.message.is_none()
    }
}

/// Looks through the wrappers relays put around upstream errors.
pub fn unwrap_message(message: &str) -> Inner {
    let mut inner = parse_error_body(message).unwrap_or_default();
    inner.status = wrapped_status(message);
    inner
}

/// A status code a relay wrote into the text: `[429]`, `status code 520`, `status_code=401`.
fn wrapped_status(message: &str) -> Option<u16> {
    let lower = message.to_ascii_lowercase();
    let after = |marker: &str| -> Option<u16> {
        let start = lower.find(marker)? + marker.len();
        let digits: String = lower[start..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        (digits.len() == 3).then(|| digits.parse().ok()).flatten()
    };
    if let Some(open) = lower.find('[') {
        let rest = &lower[open + 1..];
        if rest.len() >= 4 && rest.as_bytes()[3] == b']' {
            if let Ok(code) = rest[..3].parse::<u16>() {
                if (100..600).contains(&code) {
                    return Some(code);
                }
            }
        }
    }
    after("status code").or_else(|| after("status_code="))
}

/// Parses the `{"error": {"message", "type", "code", "param"}}` body of seed 003, or a flat
/// `{"message": ..., "code": ...}`, wherever it sits in the text, escaped or not.
pub fn parse_error_body(text: &str) -> Option<Inner> {
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    if end <= start {
        return None;
    }
    let slice = &text[start..=end];
    let value: serde_json::Value = serde_json::from_str(slice)
        .or_else(|_| serde_json::from_str(&slice.replace("\\\"", "\"").replace("\\\\", "\\")))
        .ok()?;
    let obj = value
        .get("error")
        .filter(|e| e.is_object())
        .unwrap_or(&value);
    let text_of = |key: &str| -> Option<String> {
        match obj.get(key)? {
            serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let inner = Inner {
        status: None,
        code: text_of("code"),
        error_type: text_of("type"),
        message: text_of("message").or_else(|| {
            // `{"error": "text"}`
            value
                .get("error")
                .and_then(|e| e.as_str())
                .map(str::to_string)
        }),
        param: text_of("param"),
    };
    (!inner.is_empty()).then_some(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_wrapped_429_and_its_message() {
        let inner = unwrap_message(
            r#"请求失败 [429]: {"message":"Too many requests, please wait before trying again."}"#,
        );
        assert_eq!(inner.status, Some(429));
        assert_eq!(
            inner.message.as_deref(),
            Some("Too many requests, please wait before trying again.")
        );
    }

    #[test]
    fn finds_cloudflare_codes_and_escaped_bodies() {
        assert_eq!(
            unwrap_message("bad response status code 520").status,
            Some(520)
        );
        assert_eq!(
            unwrap_message("status_code=401, Invalid token").status,
            Some(401)
        );
        let inner = unwrap_message(
            r#"upstream said: {\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\",\"param\":null}}"#,
        );
        assert_eq!(inner.code.as_deref(), Some("rate_limit_exceeded"));
        assert_eq!(inner.error_type.as_deref(), Some("requests"));
        assert_eq!(inner.message.as_deref(), Some("Rate limit reached"));
    }

    #[test]
    fn plain_text_has_nothing_inside() {
        assert!(unwrap_message("system disk overloaded").is_empty());
        assert!(unwrap_message("model [gpt] {broken").is_empty());
    }
}

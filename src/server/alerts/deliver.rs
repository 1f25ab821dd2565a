//! Sending one message: signed the way its target expects, to the checked address, with a
//! short timeout; the answer kept as evidence (bounded, cleaned). Chat robots answer HTTP 200
//! with an error code in the body when they refuse (a bad signature, a keyword missing), so
//! the body's code decides too.
use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::target::{TargetError, TargetPolicy};
use crate::domain::alert::{AlertFormat, Rule};
use crate::domain::mask::{mask_secrets, strip_controls};

/// How long a webhook may take.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How much of a target's answer is read and kept.
const ANSWER_BYTES: usize = 2_048;
const ANSWER_CHARS: usize = 300;

/// What a target answered: accepted or not, in words for the delivery log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub accepted: bool,
    pub text: String,
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The request for `body` as `rule`'s target wants it at `now_ms`: (url, body, headers).
pub fn signed(
    rule: &Rule,
    mut url: reqwest::Url,
    body: &str,
    now_ms: i64,
) -> (reqwest::Url, String, Vec<(&'static str, String)>) {
    let Some(secret) = rule.secret.as_deref() else {
        return (url, body.to_string(), vec![]);
    };
    match rule.format {
        AlertFormat::Json => {
            let ts = (now_ms / 1000).to_string();
            let sig = hmac_sha256(secret.as_bytes(), format!("{ts}.{body}").as_bytes());
            let headers = vec![
                ("x-errscope-timestamp", ts),
                (
                    "x-errscope-signature",
                    format!("sha256={}", hex::encode(sig)),
                ),
            ];
            (url, body.to_string(), headers)
        }
        AlertFormat::Feishu => {
            // Feishu signs an empty message with "timestamp\nsecret" as the key.
            let ts = (now_ms / 1000).to_string();
            let sign = base64(&hmac_sha256(format!("{ts}\n{secret}").as_bytes(), b""));
            let mut value: serde_json::Value =
                serde_json::from_str(body).unwrap_or_else(|_| serde_json::json!({}));
            if let Some(o) = value.as_object_mut() {
                o.insert("timestamp".into(), ts.into());
                o.insert("sign".into(), sign.into());
            }
            (url, value.to_string(), vec![])
        }
        AlertFormat::Dingtalk => {
            // DingTalk signs "timestamp\nsecret" with the secret, in the query string.
            let ts = now_ms.to_string();
            let sign = base64(&hmac_sha256(
                secret.as_bytes(),
                format!("{ts}\n{secret}").as_bytes(),
            ));
            url.query_pairs_mut()
                .append_pair("timestamp", &ts)
                .append_pair("sign", &sign);
            (url, body.to_string(), vec![])
        }
        AlertFormat::Slack | AlertFormat::Wecom => (url, body.to_string(), vec![]),
    }
}

/// Whether a 2xx answer's body says the robot refused the message.
fn refused_in_body(body: &str) -> bool {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
        return false;
    };
    ["errcode", "code", "StatusCode"]
        .iter()
        .filter_map(|k| v.get(k).and_then(serde_json::Value::as_i64))
        .any(|code| code != 0)
}

fn cleaned(text: &str) -> String {
    let text = mask_secrets(&strip_controls(text, false));
    let mut out: String = text.chars().take(ANSWER_CHARS).collect();
    if text.chars().count() > ANSWER_CHARS {
        out.push('…');
    }
    out
}

/// Sends `body` for `rule` now. Never fails: a refused address, a timeout or a refusal is an
/// answer that was not accepted.
pub async fn send(policy: &TargetPolicy, rule: &Rule, body: &str, now_ms: i64) -> Answer {
    let refused = |text: String| Answer {
        accepted: false,
        text,
    };
    let target = match policy.check(&rule.webhook).await {
        Ok(t) => t,
        Err(e @ (TargetError::NotHttp | TargetError::Unresolved | TargetError::Refused(_))) => {
            return refused(e.to_string())
        }
    };
    let mut client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .user_agent(concat!("errscope/", env!("CARGO_PKG_VERSION")));
    if let Some(domain) = &target.domain {
        client = client.resolve_to_addrs(domain, &target.addrs);
    }
    let client = match client.build() {
        Ok(c) => c,
        Err(_) => return refused("the HTTP client could not start".into()),
    };
    let (url, body, headers) = signed(rule, target.url, body, now_ms);
    let mut request = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let mut response = match request.send().await {
        Ok(r) => r,
        Err(e) if e.is_timeout() => return refused("no answer within 10 s".into()),
        Err(e) if e.is_connect() => return refused("could not connect".into()),
        Err(_) => return refused("the request failed".into()),
    };
    let status = response.status();
    let mut bytes = Vec::new();
    while bytes.len() < ANSWER_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    bytes.truncate(ANSWER_BYTES);
    let text = String::from_utf8_lossy(&bytes).to_string();
    Answer {
        accepted: status.is_success() && !refused_in_body(&text),
        text: cleaned(&format!("HTTP {} {}", status.as_u16(), text.trim())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::alert::RuleInput;

    fn rule(format: &str, secret: &str) -> Rule {
        RuleInput {
            name: "r".into(),
            webhook: "https://hooks.example.com/x?a=1".into(),
            format: format.into(),
            secret: secret.into(),
            ..RuleInput::default()
        }
        .check(|_| false)
        .unwrap()
    }

    #[test]
    fn each_target_is_signed_its_own_way() {
        let url = reqwest::Url::parse("https://hooks.example.com/x?a=1").unwrap();
        let now = 1_700_000_000_123;
        // errscope's JSON: HMAC-SHA256 of "timestamp.body" in a header.
        let (_, body, headers) = signed(&rule("json", "k"), url.clone(), "{}", now);
        assert_eq!(body, "{}");
        let expected = hex::encode(hmac_sha256(b"k", b"1700000000.{}"));
        assert_eq!(headers[1].1, format!("sha256={expected}"));
        // Feishu: timestamp and sign in the body.
        let (_, body, _) = signed(
            &rule("feishu", "k"),
            url.clone(),
            r#"{"msg_type":"text"}"#,
            now,
        );
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["timestamp"], "1700000000");
        assert_eq!(v["sign"], base64(&hmac_sha256(b"1700000000\nk", b"")));
        assert_eq!(v["msg_type"], "text");
        // DingTalk: timestamp (ms) and sign in the query, the URL's own query kept.
        let (u, _, _) = signed(&rule("dingtalk", "k"), url.clone(), "{}", now);
        let pairs: Vec<(String, String)> = u.query_pairs().into_owned().collect();
        assert_eq!(pairs[0], ("a".into(), "1".into()));
        assert_eq!(pairs[1], ("timestamp".into(), "1700000000123".into()));
        assert_eq!(pairs[2].1, base64(&hmac_sha256(b"k", b"1700000000123\nk")));
        // Unsigned: as is.
        let (u, body, headers) = signed(&rule("slack", ""), url.clone(), "{}", now);
        assert_eq!((u, body.as_str(), headers.len()), (url, "{}", 0));
    }

    #[test]
    fn a_robot_refusing_in_its_body_is_not_accepted() {
        assert!(refused_in_body(
            r#"{"errcode":310000,"errmsg":"sign not match"}"#
        ));
        assert!(refused_in_body(r#"{"code":19021,"msg":"sign match fail"}"#));
        assert!(!refused_in_body(r#"{"errcode":0,"errmsg":"ok"}"#));
        assert!(!refused_in_body(r#"{"StatusCode":0,"code":0}"#));
        assert!(!refused_in_body("ok"));
        let c = cleaned(&format!(
            "a\u{7}b sk-abcdefghijklmnopqrstuvwx {}",
            "x".repeat(400)
        ));
        assert!(c.starts_with("ab sk-abcd****"), "{c}");
        assert_eq!(c.chars().count(), ANSWER_CHARS + 1);
    }
}

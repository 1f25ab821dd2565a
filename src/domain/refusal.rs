//! Why a change was refused: one variant per reason, its words in both languages in
//! `refusal/texts.toml` (keyed by the variant's name; `{field}` stands for a field's value).
//! Admin forms, account settings, alert rules and sources answer with these, so a refusal
//! reads in the page's language; the command line prints the English.
use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

use crate::domain::lang::Lang;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, strum::IntoStaticStr)]
#[cfg_attr(test, derive(serde::Deserialize, strum::VariantNames))]
#[serde(tag = "key", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Refusal {
    // Accounts
    BadUsername,
    UnknownRole,
    UserNeedsRelayUser,
    RelayUserNotNumber,
    OwnRole,
    OwnDisable,
    OwnPasswordHere,
    NoSuchAccount,
    WrongCurrentPassword,
    PasswordTooShort { min: usize },
    UsernameTaken,
    RelayUserTaken,
    UnknownTimeZone { zone: String },
    UnknownAction { action: String },
    // Keys
    BadKeyName,
    UnknownScope,
    OnlyReadKeyPerUser,
    NoSuchKey,
    // Sources
    BadSourceUrl,
    NoSuchSource,
    AlreadyFollowed { name: String },
    SourceUnsupported { source: String },
    SourceUnreachable { name: String, reason: String },
    SourceWithoutLogs { name: String },
    // Retention
    UnknownRetentionType,
    BadRetentionDays { max: u32 },
    // Alert rules
    RuleName,
    RuleFormat,
    RuleWebhook,
    RuleSecretTooLong,
    RuleUnsigned { format: String },
    RuleWindow,
    RuleMinErrors,
    RuleRate,
    RuleCooldown,
    RuleGroup,
    RuleNameTaken { name: String },
    NoSuchRule,
    // Webhook targets
    WebhookNotHttp,
    WebhookUnresolved,
    WebhookUnspecified,
    WebhookMetadata,
    WebhookLinkLocal,
    WebhookBroadcast,
    WebhookErrscope,
    WebhookLoopback,
}

#[derive(serde::Deserialize)]
struct Words {
    en: String,
    zh: String,
}

const TEXTS: &str = include_str!("refusal/texts.toml");

fn texts() -> &'static HashMap<String, Words> {
    static TEXTS_BY_KEY: OnceLock<HashMap<String, Words>> = OnceLock::new();
    TEXTS_BY_KEY.get_or_init(|| toml::from_str(TEXTS).unwrap_or_default())
}

impl Refusal {
    /// The variant's name in `texts.toml`.
    pub fn key(&self) -> &'static str {
        self.into()
    }

    /// The variant's fields as serde writes them, each value as text.
    fn fields(&self) -> Vec<(String, String)> {
        let Ok(serde_json::Value::Object(map)) = serde_json::to_value(self) else {
            return Vec::new();
        };
        map.into_iter()
            .filter(|(name, _)| name != "key")
            .map(|(name, value)| match value {
                serde_json::Value::String(s) => (name, s),
                other => (name, other.to_string()),
            })
            .collect()
    }

    /// The refusal in `lang`, its fields filled in.
    pub fn text(&self, lang: Lang) -> String {
        let Some(words) = texts().get(self.key()) else {
            return self.key().to_string();
        };
        let mut text = match lang {
            Lang::En => words.en.clone(),
            Lang::Zh => words.zh.clone(),
        };
        for (name, value) in self.fields() {
            text = text.replace(&format!("{{{name}}}"), &value);
        }
        text
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl std::error::Error for Refusal {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The refusal a text is for, its `{field}`s given sample values (a number where the
    /// field is one).
    fn sample(key: &str, en: &str) -> Refusal {
        let fields: Vec<&str> = en
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        let with = |number: bool| {
            let mut map = serde_json::Map::new();
            map.insert("key".into(), key.into());
            for f in &fields {
                let value = if number {
                    7.into()
                } else {
                    format!("<{f}>").into()
                };
                map.insert(f.to_string(), value);
            }
            serde_json::from_value::<Refusal>(map.into())
        };
        with(false)
            .or_else(|_| with(true))
            .unwrap_or_else(|e| panic!("{key}: no refusal with these fields: {e}"))
    }

    #[test]
    fn every_refusal_has_words_in_both_languages_with_its_fields_filled_in() {
        use strum::VariantNames;
        let mut variants: Vec<&str> = Refusal::VARIANTS.to_vec();
        let mut keys: Vec<&str> = texts().keys().map(String::as_str).collect();
        variants.sort_unstable();
        keys.sort_unstable();
        assert_eq!(variants, keys, "one text per refusal");
        for (key, words) in texts() {
            let r = sample(key, &words.en);
            assert_eq!(r.key(), key);
            let (en, zh) = (r.text(Lang::En), r.text(Lang::Zh));
            assert!(!en.contains('{') && !zh.contains('{'), "{en} / {zh}");
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{zh}"
            );
            for (name, value) in r.fields() {
                assert!(
                    en.contains(&value) && zh.contains(&value),
                    "{name} in {en} / {zh}"
                );
            }
        }
    }

    #[test]
    fn display_is_the_english_text() {
        let r = Refusal::UnknownTimeZone {
            zone: "Mars/Base".into(),
        };
        assert_eq!(
            r.to_string(),
            "unknown time zone “Mars/Base” (e.g. Asia/Shanghai)"
        );
        assert_eq!(
            r.text(Lang::Zh),
            "未知时区“Mars/Base”（例如 Asia/Shanghai）"
        );
    }
}

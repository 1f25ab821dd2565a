//! The console's language in the UI: leptos_i18n's locale read as the domain's `Lang` (for the
//! catalogue's texts), and the header's switch.
use leptos::prelude::*;

use crate::domain::lang::Lang;
use crate::i18n::{t_string, use_i18n, Locale};
use crate::ui::components::choice_form::{Choice, ChoiceForm};

/// The language the page is rendered in.
pub fn use_lang() -> Lang {
    match use_i18n().get_locale_untracked() {
        Locale::zh => Lang::Zh,
        Locale::en => Lang::En,
    }
}

/// The language the server settled on for this request (for the document shell, which is
/// rendered outside the i18n context).
pub fn page_lang() -> Lang {
    #[cfg(feature = "ssr")]
    return crate::server::views::asker::viewer_lang(None);
    #[cfg(not(feature = "ssr"))]
    return use_lang();
}

/// English / 中文, each named in its own language; remembered in a cookie and on the account.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let choices = [(Lang::En, "English"), (Lang::Zh, "中文")]
        .into_iter()
        .map(|(l, name)| Choice {
            value: l.code(),
            label: name.to_string(),
            lang: Some(l.code()),
        })
        .collect();
    view! {
        <ChoiceForm action="/prefs/lang" name="lang" label=t_string!(i18n, nav.language).to_string()
            choices current=use_lang().code()/>
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    const EN: &str = include_str!("../../locales/en.json");
    const ZH: &str = include_str!("../../locales/zh.json");

    /// Every key path of a locale file, with its text.
    fn texts(json: &str) -> Vec<(String, String)> {
        fn walk(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
            match v {
                serde_json::Value::Object(m) => {
                    for (k, v) in m {
                        walk(&format!("{prefix}{k}."), v, out);
                    }
                }
                other => out.push((
                    prefix.trim_end_matches('.').to_string(),
                    other.as_str().unwrap_or_default().to_string(),
                )),
            }
        }
        let mut out = vec![];
        walk(
            "",
            &serde_json::from_str(json).expect("locale file is JSON"),
            &mut out,
        );
        out
    }

    fn placeholders(text: &str) -> BTreeSet<String> {
        text.split("{{")
            .skip(1)
            .filter_map(|s| s.split_once("}}").map(|(name, _)| name.trim().to_string()))
            .collect()
    }

    #[test]
    fn english_and_chinese_have_the_same_keys_and_placeholders() {
        let (en, zh) = (texts(EN), texts(ZH));
        let keys =
            |t: &[(String, String)]| t.iter().map(|(k, _)| k.clone()).collect::<BTreeSet<_>>();
        let (en_keys, zh_keys) = (keys(&en), keys(&zh));
        assert!(en_keys.len() > 200, "the UI chrome is in the locale files");
        assert_eq!(
            en_keys.difference(&zh_keys).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "keys missing in zh.json"
        );
        assert_eq!(
            zh_keys.difference(&en_keys).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "keys missing in en.json"
        );
        let zh: std::collections::BTreeMap<_, _> = zh.into_iter().collect();
        for (key, e) in &en {
            let z = &zh[key];
            assert!(!z.trim().is_empty(), "{key} is empty in zh.json");
            assert_eq!(
                placeholders(e),
                placeholders(z),
                "{key}: the two languages interpolate different values"
            );
        }
    }

    #[test]
    fn the_troubleshooting_guide_quotes_seed_000() {
        let seed = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/seeds"))
            .expect("the seed documents in tests/seeds")
            .filter_map(Result::ok)
            .find(|e| e.file_name().to_string_lossy().starts_with("000_"))
            .map(|e| std::fs::read_to_string(e.path()).expect("seed 000 is text"))
            .expect("seed 000");
        let en = texts(EN);
        let quoted: Vec<_> = en
            .iter()
            .filter(|(k, _)| k.starts_with("guide.step_") || k.starts_with("guide.col_"))
            .collect();
        assert_eq!(quoted.len(), 12);
        for (key, text) in quoted {
            assert!(
                seed.contains(text.as_str()),
                "{key} is not seed 000's wording: {text}"
            );
        }
    }
}

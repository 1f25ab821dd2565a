//! The error catalogue: one entry per row of the seeds' tables, loaded from the TOML files in
//! `catalogue/` (compiled into the binary), and the matcher that finds the entry for a signal.
use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::attribution::{Attribution, TwoWay};
use super::lang::Lang;
use super::signal::{unwrap_message, Inner, Signal};
use super::status::StatusRange;

/// The seeds' tables (by seed number), then what real relays send beyond them: new-api's and
/// one-api's own messages, and the providers' documented errors.
const SOURCES: [(&str, &str); 7] = [
    ("000", include_str!("catalogue/seed_000.toml")),
    ("001", include_str!("catalogue/seed_001.toml")),
    ("002", include_str!("catalogue/seed_002.toml")),
    ("003", include_str!("catalogue/seed_003.toml")),
    ("004", include_str!("catalogue/seed_004.toml")),
    ("newapi", include_str!("catalogue/newapi.toml")),
    ("providers", include_str!("catalogue/providers.toml")),
];
const ATTRIBUTIONS: &str = include_str!("catalogue/attributions.toml");

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Texts {
    pub meaning: String,
    pub action: String,
}

/// One row of one seed table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    #[serde(default)]
    pub seed: String,
    pub table: String,
    #[serde(default)]
    pub status: Vec<String>,
    #[serde(default)]
    pub code: Vec<String>,
    #[serde(default)]
    pub contains: Vec<String>,
    #[serde(default)]
    pub regex: Option<String>,
    /// `usage`, `upstream`, `platform`, `needs_context` or `none` (not an error).
    pub attribution: String,
    #[serde(default)]
    pub candidates: Vec<Attribution>,
    /// The seed's two-way answer for one row, when it gives one (then `candidates` are its pair).
    #[serde(default)]
    pub two_way: Option<TwoWay>,
    /// The seed's own wording of the attribution, where it has one ("Usage or upstream issue").
    #[serde(default)]
    pub seed_label: Option<String>,
    #[serde(default)]
    pub example: Option<String>,
    pub en: Texts,
    pub zh: Texts,
    /// The table's title in the other language, from the seed file's `[titles]`.
    #[serde(default)]
    pub titles: Titles,
}

/// A table title in English and Chinese, where the seed's own title is in the other language.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Titles {
    #[serde(default)]
    pub en: Option<String>,
    #[serde(default)]
    pub zh: Option<String>,
}

impl Entry {
    pub fn base(&self) -> Option<Attribution> {
        Attribution::parse(&self.attribution)
    }

    /// The attributions an ambiguous entry can resolve to.
    pub fn possible(&self) -> Vec<Attribution> {
        match self.base() {
            Some(Attribution::NeedsContext) if self.candidates.is_empty() => {
                vec![
                    Attribution::Usage,
                    Attribution::Upstream,
                    Attribution::Platform,
                ]
            }
            Some(Attribution::NeedsContext) => self.candidates.clone(),
            Some(a) => vec![a],
            None => vec![],
        }
    }

    pub fn texts(&self, lang: Lang) -> &Texts {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }

    /// Only a status code (or class) decides this entry: a category, not a recognised message.
    pub fn is_category(&self) -> bool {
        self.code.is_empty() && self.contains.is_empty() && self.regex.is_none()
    }

    /// A row of a seed document (else new-api's source or a provider's documentation).
    pub fn from_seed(&self) -> bool {
        !self.seed.is_empty() && self.seed.chars().all(|c| c.is_ascii_digit())
    }

    /// The title of the entry's table in `lang` (the seed's own title when it has no other).
    pub fn table_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => self.titles.en.as_deref(),
            Lang::Zh => self.titles.zh.as_deref(),
        }
        .unwrap_or(&self.table)
    }

    /// Where the entry is documented: "seed 000 · Common Error Messages", "文档 000 · 常见错误信息".
    pub fn source(&self, lang: Lang) -> String {
        let table = self.table_in(lang);
        match (self.from_seed(), lang) {
            (true, Lang::En) => format!("seed {} · {table}", self.seed),
            (true, Lang::Zh) => format!("文档 {} · {table}", self.seed),
            (false, _) => table.to_string(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClassTexts {
    pub name: String,
    pub identify: String,
    pub signs: String,
    pub action: String,
}

/// Seed 000's attribution table: how to identify each attribution.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClassInfo {
    pub en: ClassTexts,
    pub zh: ClassTexts,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("catalogue seed {seed}: {source}")]
    Toml {
        seed: String,
        source: toml::de::Error,
    },
    #[error("catalogue entry {id}: {reason}")]
    Entry { id: String, reason: String },
}

struct Matcher {
    status: Vec<StatusRange>,
    code: Vec<String>,
    contains: Vec<String>,
    regex: Option<super::pattern::Regex>,
}

pub struct Catalogue {
    entries: Vec<Entry>,
    /// Entry id -> index in `entries`: a CSV export looks up one per row.
    by_id: BTreeMap<String, usize>,
    matchers: Vec<Matcher>,
    classes: BTreeMap<String, ClassInfo>,
}

/// How an explanation was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// A message or business code was recognised.
    Recognised,
    /// Only the status-code category is known: the message itself is not recognised.
    CategoryFallback,
    /// Nothing in the catalogue matches.
    Unrecognised,
}

/// The catalogue's answer for one signal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub kind: MatchKind,
    pub entry: Option<Entry>,
    /// The wrapped upstream error, when the message carried one.
    pub inner: Inner,
    /// True when the entry matched the status found inside the message, not the row's own.
    pub via_inner_status: bool,
    /// Other seeds' rows that document the same status code.
    pub related: Vec<String>,
}

impl Explanation {
    pub fn base(&self) -> Attribution {
        self.entry
            .as_ref()
            .and_then(Entry::base)
            .unwrap_or(Attribution::NeedsContext)
    }

    pub fn possible(&self) -> Vec<Attribution> {
        self.entry.as_ref().map(Entry::possible).unwrap_or_else(|| {
            vec![
                Attribution::Usage,
                Attribution::Upstream,
                Attribution::Platform,
            ]
        })
    }
}

impl Catalogue {
    /// The catalogue compiled into the binary.
    pub fn builtin() -> &'static Catalogue {
        static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
        CATALOGUE.get_or_init(|| {
            Catalogue::load(&SOURCES, ATTRIBUTIONS)
                .expect("the built-in catalogue is valid (tested)")
        })
    }

    pub fn load(sources: &[(&str, &str)], attributions: &str) -> Result<Catalogue, CatalogueError> {
        #[derive(Deserialize)]
        struct File {
            entry: Vec<Entry>,
            #[serde(default)]
            titles: BTreeMap<String, Titles>,
        }
        let mut entries = Vec::new();
        let mut matchers = Vec::new();
        for (seed, text) in sources {
            let file: File = toml::from_str(text).map_err(|source| CatalogueError::Toml {
                seed: seed.to_string(),
                source,
            })?;
            for mut entry in file.entry {
                entry.seed = seed.to_string();
                entry.titles = file.titles.get(&entry.table).cloned().unwrap_or_default();
                let bad = |reason: String| CatalogueError::Entry {
                    id: entry.id.clone(),
                    reason,
                };
                if entry.base().is_none() && entry.attribution != "none" {
                    return Err(bad(format!("unknown attribution {}", entry.attribution)));
                }
                if let Some(pair) = entry.two_way {
                    let mut possible = entry.possible();
                    possible.sort();
                    if possible != pair.candidates() {
                        return Err(bad(format!(
                            "two_way {} needs the candidates {:?}",
                            pair.as_str(),
                            pair.candidates()
                        )));
                    }
                }
                let status = entry
                    .status
                    .iter()
                    .map(|s| StatusRange::parse(s))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| bad(e.to_string()))?;
                let regex = entry
                    .regex
                    .as_deref()
                    .map(|r| super::pattern::Regex::new(&format!("(?i){r}")))
                    .transpose()
                    .map_err(|e| bad(e.to_string()))?;
                matchers.push(Matcher {
                    status,
                    code: entry.code.iter().map(|c| c.to_ascii_lowercase()).collect(),
                    contains: entry.contains.iter().map(|c| c.to_lowercase()).collect(),
                    regex,
                });
                entries.push(entry);
            }
        }
        let classes = toml::from_str(attributions).map_err(|source| CatalogueError::Toml {
            seed: "attributions".into(),
            source,
        })?;
        let by_id = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        Ok(Catalogue {
            entries,
            by_id,
            matchers,
            classes,
        })
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn entry(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    pub fn class(&self, attribution: Attribution) -> Option<&ClassInfo> {
        self.classes.get(attribution.as_str())
    }

    /// Finds the most specific entry for a signal, looking inside wrapped upstream errors.
    pub fn explain(&self, signal: &Signal) -> Explanation {
        let inner = unwrap_message(&signal.message);
        let haystack = match &inner.message {
            Some(m) => format!("{}\n{}", signal.message, m).to_lowercase(),
            None => signal.message.to_lowercase(),
        };
        let code = signal
            .code
            .clone()
            .filter(|c| !c.trim().is_empty())
            .or_else(|| inner.code.clone())
            .map(|c| c.trim().to_ascii_lowercase());
        let inner_status = inner.status.filter(|s| Some(*s) != signal.status);

        // Score each entry on the row's own status, then on the status found inside the text.
        let mut best: Option<(u32, bool, usize)> = None;
        for (index, matcher) in self.matchers.iter().enumerate() {
            for (via_inner, status) in [(false, signal.status), (true, inner_status)] {
                if via_inner && status.is_none() {
                    continue;
                }
                if let Some(score) = matcher.score(status, code.as_deref(), &haystack) {
                    // Prefer higher scores, then the row's own status, then catalogue order.
                    let better = match best {
                        None => true,
                        Some((s, v, _)) => score > s || (score == s && v && !via_inner),
                    };
                    if better {
                        best = Some((score, via_inner, index));
                    }
                }
            }
        }
        let related_status = signal.status.or(inner_status);
        match best {
            None => Explanation {
                kind: MatchKind::Unrecognised,
                entry: None,
                inner,
                via_inner_status: false,
                related: self.documenting_status(related_status, None),
            },
            Some((_, via_inner, index)) => {
                let entry = &self.entries[index];
                Explanation {
                    kind: if entry.is_category() {
                        MatchKind::CategoryFallback
                    } else {
                        MatchKind::Recognised
                    },
                    entry: Some(entry.clone()),
                    inner,
                    via_inner_status: via_inner,
                    related: self.documenting_status(related_status, Some(&entry.id)),
                }
            }
        }
    }

    /// Category rows of every seed that document this status code.
    fn documenting_status(&self, status: Option<u16>, except: Option<&str>) -> Vec<String> {
        let Some(status) = status else { return vec![] };
        self.entries
            .iter()
            .zip(&self.matchers)
            .filter(|(e, m)| {
                e.is_category()
                    && Some(e.id.as_str()) != except
                    && m.status.iter().any(|r| r.contains(status))
            })
            .map(|(e, _)| e.id.clone())
            .collect()
    }
}

impl Matcher {
    /// None when a given criterion fails; else how specific the match is: a business code or a
    /// message counts 4, an exact status 2, a status class 1, so two criteria beat one.
    fn score(&self, status: Option<u16>, code: Option<&str>, haystack: &str) -> Option<u32> {
        let mut score = 0;
        if !self.status.is_empty() {
            let status = status?;
            let range = self.status.iter().find(|r| r.contains(status))?;
            score += if range.is_exact() { 2 } else { 1 };
        }
        if !self.code.is_empty() {
            let code = code?;
            if !self.code.iter().any(|c| c == code) {
                return None;
            }
            score += 4;
        }
        if !self.contains.is_empty() || self.regex.is_some() {
            let hit = self.contains.iter().any(|c| haystack.contains(c.as_str()))
                || self.regex.as_ref().is_some_and(|r| r.is_match(haystack));
            if !hit {
                return None;
            }
            score += 4;
        }
        (score > 0).then_some(score)
    }
}

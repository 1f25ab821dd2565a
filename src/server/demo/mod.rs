//! Deterministic demo data: background traffic, every error the catalogue knows, and the
//! incidents planted in `recipes.toml`.
pub mod newapi;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Deserialize;

use crate::domain::catalogue::{Catalogue, Entry};

use super::ingest::{prepare, IngestRecord};
use super::store::{NewLog, Store, StoreError};

const RECIPES: &str = include_str!("recipes.toml");

#[derive(Deserialize)]
struct Recipes {
    models: Vec<String>,
    error_share: f64,
    days: i64,
    users: Vec<User>,
    accounts: Vec<crate::server::auth::accounts::NewAccount>,
    common: Vec<Common>,
    incident: Vec<Incident>,
}

#[derive(Deserialize)]
struct User {
    id: i64,
    name: String,
    groups: Vec<String>,
    tokens: Vec<String>,
}

#[derive(Deserialize)]
struct Common {
    status: u16,
    message: String,
    code: Option<String>,
    weight: u32,
}

#[derive(Deserialize)]
pub struct Incident {
    pub name: String,
    pub minutes_ago: i64,
    pub duration_minutes: i64,
    pub rows: usize,
    pub groups: Vec<String>,
    pub user: Option<i64>,
    pub token: Option<String>,
    pub model: Option<String>,
    /// The upstream channel every row failed on (a channel incident).
    pub channel: Option<String>,
    /// Successful requests of the same groups and model over the same span, on other
    /// channels: the traffic the rest of the group served meanwhile.
    #[serde(default)]
    pub others_ok: usize,
    pub status: u16,
    pub code: Option<String>,
    pub message: String,
}

/// A failure to plant: status, business code, message.
#[derive(Clone)]
struct Failure {
    status: u16,
    code: Option<String>,
    message: String,
}

/// The incidents of the recipes, for tests that look for them.
pub fn incidents() -> Vec<Incident> {
    recipes().incident
}

fn recipes() -> Recipes {
    toml::from_str(RECIPES).expect("demo recipes are valid (tested)")
}

/// Plausible failures for a catalogue entry: its example (or meaning) with each status it lists.
fn failures_for(entry: &Entry) -> Vec<Failure> {
    if entry.attribution == "none" {
        return vec![];
    }
    let from_table = entry
        .table
        .split(['(', ')', '/'])
        .find_map(|p| p.trim().parse::<u16>().ok());
    let mut statuses: Vec<u16> = entry
        .status
        .iter()
        .filter_map(|s| s.replace(['x', 'X'], "0").parse::<u16>().ok())
        .collect();
    if statuses.is_empty() {
        statuses.push(from_table.unwrap_or(match entry.attribution.as_str() {
            "usage" => 400,
            "upstream" => 502,
            "platform" => 503,
            _ => 500,
        }));
    }
    let message = entry.example.clone().unwrap_or_else(|| {
        if entry.code.is_empty() {
            String::new()
        } else {
            entry.en.meaning.clone()
        }
    });
    statuses
        .into_iter()
        .map(|status| Failure {
            status,
            code: entry.code.first().cloned(),
            message: message.clone(),
        })
        .collect()
}

struct Generator {
    rng: StdRng,
    r: Recipes,
    now_ms: i64,
    seq: u64,
}

impl Generator {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.random_range(0..items.len())]
    }

    fn request_id(&mut self, ts_ms: i64) -> String {
        self.seq += 1;
        let t = chrono::DateTime::from_timestamp_millis(ts_ms).unwrap_or_default();
        format!(
            "{}{:08x}{:06}",
            t.format("%Y%m%d%H%M%S"),
            self.rng.random::<u32>(),
            self.seq
        )
    }

    fn record(&mut self, ts_ms: i64, user: usize, failure: Option<&Failure>) -> IngestRecord {
        let (uid, name, tokens, groups) = {
            let u = &self.r.users[user];
            (u.id, u.name.clone(), u.tokens.clone(), u.groups.clone())
        };
        let token = self.pick(&tokens).clone();
        let group = self.pick(&groups).clone();
        let model = self.pick(&self.r.models.clone()).clone();
        let request_id = self.request_id(ts_ms);
        let channel = self.rng.random_range(1..=24);
        let mut rec = IngestRecord {
            time: Some(serde_json::json!(ts_ms)),
            user_id: Some(uid),
            username: Some(name),
            token_name: Some(token),
            group: Some(group),
            model: Some(model),
            request_id: Some(request_id),
            latency_ms: Some(self.rng.random_range(120..9_000)),
            is_stream: Some(self.rng.random_bool(0.6)),
            channel: Some(format!("channel-{channel}")),
            client_ip: Some(format!("203.0.113.{}", self.rng.random_range(1..255))),
            ..Default::default()
        };
        match failure {
            Some(f) => {
                rec.log_type = Some("error".into());
                rec.status_code = Some(f.status);
                rec.error_code = f.code.clone();
                rec.content = Some(f.message.clone());
                rec.retries = Some(format!(
                    "channel-{channel} → channel-{}",
                    self.rng.random_range(1..=24)
                ));
            }
            None => {
                rec.log_type = Some("consume".into());
                rec.status_code = Some(200);
                let prompt = self.rng.random_range(20..6_000);
                let completion = self.rng.random_range(5..2_000);
                rec.prompt_tokens = Some(prompt);
                rec.completion_tokens = Some(completion);
                rec.quota = Some((prompt + completion * 3) * 5);
            }
        }
        rec
    }

    fn random_time(&mut self) -> i64 {
        self.now_ms - self.rng.random_range(0..self.r.days * 86_400_000)
    }

    /// The time of the `k`-th of `n` background rows in arrival order: oldest first, evenly
    /// over the period with jitter, as a relay writes them (every time index then grows at
    /// its newest edge instead of taking each row at a random place).
    fn arrival_time(&mut self, k: usize, n: usize) -> i64 {
        let span = self.r.days * 86_400_000;
        let step = (span / n.max(1) as i64).max(1);
        self.now_ms - span + k as i64 * step + self.rng.random_range(0..step)
    }
}

/// Generates `rows` rows (at least the catalogue and the incidents) and returns them prepared.
pub fn generate(rows: usize, seed: u64, now_ms: i64) -> Vec<NewLog> {
    batches(rows, seed, now_ms, rows.max(1)).flatten().collect()
}

/// The same rows as `generate`, `batch` at a time, so that millions never sit in memory at
/// once: the first batch holds the catalogue and the incidents, the rest background traffic.
pub fn batches(
    rows: usize,
    seed: u64,
    now_ms: i64,
    batch: usize,
) -> impl Iterator<Item = Vec<NewLog>> {
    let mut g = Generator {
        rng: StdRng::seed_from_u64(seed),
        r: recipes(),
        now_ms,
        seq: 0,
    };
    let catalogue: Vec<Failure> = Catalogue::builtin()
        .entries()
        .iter()
        .flat_map(failures_for)
        .collect();
    let mut first = planted(&mut g, &catalogue);
    let mut made = 0;
    let background = Background::new(&g.r);
    std::iter::from_fn(move || {
        if made >= rows && first.is_empty() {
            return None;
        }
        let mut out = std::mem::take(&mut first);
        while out.len() < batch && made + out.len() < rows {
            let ts = g.arrival_time(made + out.len(), rows);
            out.push(background.record(&mut g, &catalogue, ts));
        }
        made += out.len();
        Some(
            out.into_iter()
                .map(|r| prepare(r).expect("demo records are valid"))
                .collect(),
        )
    })
}

/// Every catalogue entry twice, spread over the whole period, and the planted incidents.
fn planted(g: &mut Generator, catalogue: &[Failure]) -> Vec<IngestRecord> {
    let users = g.r.users.len();
    let mut out = Vec::new();
    for f in catalogue.iter().chain(catalogue.iter()) {
        let (ts, user) = (g.random_time(), g.rng.random_range(0..users));
        out.push(g.record(ts, user, Some(f)));
    }
    for i in 0..g.r.incident.len() {
        let inc = &g.r.incident[i];
        let failure = Failure {
            status: inc.status,
            code: inc.code.clone(),
            message: inc.message.clone(),
        };
        let (start, span) = (
            g.now_ms - inc.minutes_ago * 60_000,
            inc.duration_minutes * 60_000,
        );
        let (n, groups, user, token, model, channel) = (
            inc.rows,
            inc.groups.clone(),
            inc.user,
            inc.token.clone(),
            inc.model.clone(),
            inc.channel.clone(),
        );
        let eligible: Vec<usize> = (0..users)
            .filter(|&u| user.is_none_or(|id| g.r.users[u].id == id))
            .filter(|&u| g.r.users[u].groups.iter().any(|x| groups.contains(x)))
            .collect();
        for k in 0..n {
            let ts = start + (span * k as i64) / n.max(1) as i64 + g.rng.random_range(0..30_000);
            let mut rec = incident_record(g, &eligible, &groups, ts, Some(&failure));
            if let Some(t) = &token {
                rec.token_name = Some(t.clone());
            }
            if let Some(m) = &model {
                rec.model = Some(m.clone());
            }
            if let Some(c) = &channel {
                rec.channel = Some(c.clone());
                rec.retries = Some(c.clone());
            }
            out.push(rec);
        }
        for k in 0..g.r.incident[i].others_ok {
            let ok = g.r.incident[i].others_ok;
            let ts = start + (span * k as i64) / ok as i64 + g.rng.random_range(0..30_000);
            let mut rec = incident_record(g, &eligible, &groups, ts, None);
            rec.model = model.clone().or(rec.model);
            out.push(rec);
        }
    }
    out
}

/// A row of an incident at `ts` (at most now): one of the `eligible` users, in one of their
/// groups that the incident names.
fn incident_record(
    g: &mut Generator,
    eligible: &[usize],
    groups: &[String],
    ts: i64,
    failure: Option<&Failure>,
) -> IngestRecord {
    let u = *g.pick(eligible);
    let mut rec = g.record(ts.min(g.now_ms), u, failure);
    let user_groups: Vec<String> = g.r.users[u]
        .groups
        .iter()
        .filter(|x| groups.contains(x))
        .cloned()
        .collect();
    rec.group = Some(g.pick(&user_groups).clone());
    rec
}

/// Background traffic: mostly successes, errors drawn from the common ones and the catalogue.
struct Background {
    common: Vec<(Failure, u32)>,
    total_weight: u32,
}

impl Background {
    fn new(r: &Recipes) -> Background {
        let common: Vec<(Failure, u32)> = r
            .common
            .iter()
            .map(|c| {
                (
                    Failure {
                        status: c.status,
                        code: c.code.clone(),
                        message: c.message.clone(),
                    },
                    c.weight,
                )
            })
            .collect();
        let total_weight = common.iter().map(|c| c.1).sum();
        Background {
            common,
            total_weight,
        }
    }

    fn record(&self, g: &mut Generator, catalogue: &[Failure], ts: i64) -> IngestRecord {
        let user = g.rng.random_range(0..g.r.users.len());
        let failure = if g.rng.random_bool(g.r.error_share) {
            if g.rng.random_bool(0.7) {
                let mut x = g.rng.random_range(0..self.total_weight);
                self.common
                    .iter()
                    .find(|(_, w)| {
                        if x < *w {
                            true
                        } else {
                            x -= w;
                            false
                        }
                    })
                    .map(|c| c.0.clone())
            } else {
                Some(g.pick(catalogue).clone())
            }
        } else {
            None
        };
        g.record(ts, user, failure.as_ref())
    }
}

/// Creates the demo accounts that do not exist yet; returns how many were created.
pub async fn create_accounts(
    store: &Store,
) -> Result<usize, crate::server::auth::accounts::AccountError> {
    let mut created = 0;
    for a in &recipes().accounts {
        if store.account_by_username(&a.username).await?.is_none() {
            crate::server::auth::accounts::create(store, a).await?;
            created += 1;
        }
    }
    Ok(created)
}

/// Generates demo data into the store, in batches.
pub async fn load(store: &Store, rows: usize, seed: u64, now_ms: i64) -> Result<u64, StoreError> {
    let mut inserted = 0;
    for batch in batches(rows, seed, now_ms, 5_000) {
        inserted += store.insert_batch(&batch).await?.inserted;
    }
    store.analyze().await?;
    Ok(inserted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_data_contains_every_catalogue_error_and_every_incident() {
        let now = 1_763_720_403_000;
        let rows = generate(5_000, 7, now);
        assert!(rows.len() >= 5_000);
        for entry in Catalogue::builtin().entries() {
            for f in failures_for(entry) {
                let found = rows.iter().any(|r| {
                    r.status_code == Some(f.status)
                        && r.error_code == f.code
                        && (f.message.is_empty() || r.content == f.message)
                });
                assert!(found, "no demo row for {} with {}", entry.id, f.status);
            }
            for s in &entry.status {
                let range = crate::domain::status::StatusRange::parse(s).unwrap();
                assert!(
                    rows.iter()
                        .any(|r| r.status_code.is_some_and(|c| range.contains(c))),
                    "{s}"
                );
            }
        }
        for inc in incidents() {
            let n = rows
                .iter()
                .filter(|r| r.content == inc.message && r.status_code == Some(inc.status))
                .filter(|r| r.ts_ms >= now - inc.minutes_ago * 60_000)
                .filter(|r| inc.groups.contains(&r.group))
                .count();
            assert!(n >= inc.rows, "{}: {n} rows", inc.name);
        }
        let consume = rows
            .iter()
            .filter(|r| r.log_type == crate::domain::log::LogType::Consume)
            .count();
        assert!(consume > rows.len() / 2, "mostly successful traffic");
    }

    #[test]
    fn the_planted_channel_incident_is_the_channel_health_call_out() {
        use crate::domain::channels::{callouts, ChannelCount};
        use crate::domain::health::Signature;
        let now = 1_763_720_403_000;
        let counts: Vec<ChannelCount> = generate(20_000, 7, now)
            .into_iter()
            .filter(|r| r.ts_ms >= now - 86_400_000)
            .map(|r| ChannelCount {
                channel: r.channel.unwrap_or_default(),
                group: r.group,
                model: r.model,
                error: r.log_type == crate::domain::log::LogType::Error,
                signature: Signature {
                    status: r.status_code,
                    entry_id: r.entry_id,
                },
                current: true,
                n: 1,
            })
            .collect();
        let found: Vec<(String, String, String)> = callouts(&counts)
            .into_iter()
            .map(|c| (c.channel, c.group, c.model))
            .collect();
        assert_eq!(
            found,
            [("azure-east".into(), "enterprise".into(), "gpt-4o".into())]
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_data() {
        let a = generate(500, 3, 1_763_720_403_000);
        let b = generate(500, 3, 1_763_720_403_000);
        assert_eq!(a.len(), b.len());
        assert!(a
            .iter()
            .zip(&b)
            .all(|(x, y)| x.request_id == y.request_id && x.content == y.content));
    }
}

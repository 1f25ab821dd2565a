//! A new-api database as new-api writes it, to try the sync on, for the benchmark and for the
//! tests: the `logs` and `channels` tables as gorm creates them on SQLite, PostgreSQL or MySQL
//! for one release (columns of later releases added last, as an upgrade's ALTER TABLE does),
//! and rows in the shapes new-api writes them (model/log.go, controller/relay.go
//! `processChannelError`, service/log_info_generate.go): one error row per failed attempt,
//! retries and the final consume row sharing a request id, `other` in every shape seen,
//! status codes in the content's `status_code=NNN, ` prefix, streams that failed midway, and
//! the types errscope does not keep.
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::server::newapi::engine::{on_engine, Engine as Db};

/// The `logs` columns a new-api release has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Release {
    /// Error logs appeared (2025-04): no ip, request_id or upstream_request_id.
    Base,
    /// `ip` added.
    Ip,
    /// `request_id` added: retries and the final consume row share it.
    RequestId,
    /// `upstream_request_id` added; login rows (type 7) exist.
    Current,
}

impl Release {
    pub const ALL: [Release; 4] = [
        Release::Base,
        Release::Ip,
        Release::RequestId,
        Release::Current,
    ];

    pub fn parse(s: &str) -> Option<Release> {
        Some(match s {
            "base" => Release::Base,
            "ip" => Release::Ip,
            "request-id" => Release::RequestId,
            "current" => Release::Current,
            _ => return None,
        })
    }

    /// Columns after `other` (added by later releases), in the order they were added.
    fn later_columns(self) -> &'static [&'static str] {
        let all: &[&str] = &["ip", "request_id", "upstream_request_id"];
        let n = match self {
            Release::Base => 0,
            Release::Ip => 1,
            Release::RequestId => 2,
            Release::Current => 3,
        };
        &all[..n]
    }
}

/// What was written, by new-api's type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub errors: u64,
    /// Consume rows, the failed streams included.
    pub consume: u64,
    /// Consume rows whose stream ended in an error.
    pub stream_failures: u64,
    /// Top-up, manage, system, refund and login rows.
    pub other_types: u64,
    /// Requests that failed twice and then succeeded (three rows each).
    pub retried_then_succeeded: u64,
}

impl Written {
    pub fn rows(&self) -> u64 {
        self.errors + self.consume + self.other_types
    }
}

/// One row for new-api's `logs` table.
#[derive(Clone, Debug, Default)]
struct Row {
    user_id: i64,
    created_at: i64,
    log_type: i64,
    content: String,
    username: String,
    token_name: String,
    model_name: String,
    quota: i64,
    prompt_tokens: i64,
    completion_tokens: i64,
    use_time: i64,
    is_stream: bool,
    channel_id: i64,
    group: Option<String>,
    other: Option<String>,
    ip: String,
    request_id: String,
    upstream_request_id: String,
}

/// A new-api database being written.
pub struct NewApiDemo {
    db: Db,
    release: Release,
}

const CHANNELS: [(i64, &str); 4] = [
    (3, "azure-east"),
    (8, "openai-main"),
    (17, "openai-backup"),
    (21, "claude-relay"),
];
const USERS: [(i64, &str); 4] = [(1, "root"), (1001, "alice"), (1002, "bob"), (1003, "carol")];
const MODELS: [&str; 3] = ["gpt-4o", "claude-sonnet-4", "gemini-2.5-pro"];
const GROUPS: [&str; 3] = ["default", "vip", "svip"];

impl NewApiDemo {
    /// Opens (creating it if needed) the database at `url` with `release`'s tables.
    pub async fn open(url: &str, release: Release) -> Result<NewApiDemo, sqlx::Error> {
        let db = Db::connect(url, true).await?;
        let demo = NewApiDemo { db, release };
        for sql in demo.schema() {
            match on_engine!(&demo.db, p => sqlx::query(&sql).execute(p).await.map(|_| ())) {
                // Appending to a database made earlier: its columns are there already.
                Err(e) if e.to_string().to_lowercase().contains("duplicate column") => {}
                done => done?,
            }
        }
        for (id, name) in CHANNELS {
            let sql = match demo.db {
                Db::MySql(_) => "INSERT IGNORE INTO channels (id, name) VALUES (?, ?)",
                Db::Postgres(_) => {
                    "INSERT INTO channels (id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING"
                }
                Db::Sqlite(_) => "INSERT OR IGNORE INTO channels (id, name) VALUES (?, ?)",
            };
            on_engine!(&demo.db, p => sqlx::query(sql).bind(id).bind(name).execute(p).await.map(|_| ()))?;
        }
        Ok(demo)
    }

    /// gorm's DDL for this engine and release (IF NOT EXISTS: a second open appends).
    fn schema(&self) -> Vec<String> {
        let (id, int, text, short, boolean, q) = match self.db {
            Db::Sqlite(_) => (
                "integer PRIMARY KEY AUTOINCREMENT",
                "integer",
                "text",
                "text",
                "numeric",
                '`',
            ),
            Db::Postgres(_) => (
                "bigserial PRIMARY KEY",
                "bigint",
                "text",
                "text",
                "boolean",
                '"',
            ),
            Db::MySql(_) => (
                "bigint AUTO_INCREMENT PRIMARY KEY",
                "bigint",
                "longtext",
                "varchar(191)",
                "boolean",
                '`',
            ),
        };
        let mut ddl = vec![
            format!(
                "CREATE TABLE IF NOT EXISTS {q}logs{q} ({q}id{q} {id}, {q}user_id{q} {int}, \
                 {q}created_at{q} {int}, {q}type{q} {int}, {q}content{q} {text}, \
                 {q}username{q} {short} DEFAULT '', {q}token_name{q} {short} DEFAULT '', \
                 {q}model_name{q} {short} DEFAULT '', {q}quota{q} {int} DEFAULT 0, \
                 {q}prompt_tokens{q} {int} DEFAULT 0, {q}completion_tokens{q} {int} DEFAULT 0, \
                 {q}use_time{q} {int} DEFAULT 0, {q}is_stream{q} {boolean}, \
                 {q}channel_id{q} {int}, {q}token_id{q} {int} DEFAULT 0, {q}group{q} {short}, \
                 {q}other{q} {text})"
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {q}channels{q} ({q}id{q} {int} PRIMARY KEY, \
                 {q}name{q} {short})"
            ),
        ];
        for c in self.release.later_columns() {
            let ty = if *c == "ip" { short } else { "varchar(128)" };
            ddl.push(match self.db {
                Db::Postgres(_) => {
                    format!("ALTER TABLE logs ADD COLUMN IF NOT EXISTS {c} {ty} DEFAULT ''")
                }
                _ => format!("ALTER TABLE logs ADD COLUMN {c} {ty} DEFAULT ''"),
            });
        }
        ddl
    }

    /// Rows in `logs` now: an append numbers its stories from here, so that it goes on
    /// with new shapes and request ids instead of repeating the first ones.
    pub async fn rows_written(&self) -> Result<u64, sqlx::Error> {
        let sql = match self.db {
            Db::MySql(_) => "SELECT CAST(count(*) AS SIGNED) FROM logs",
            _ => "SELECT CAST(count(*) AS BIGINT) FROM logs",
        };
        let (n,): (i64,) = on_engine!(&self.db, p => sqlx::query_as(sql).fetch_one(p).await)?;
        Ok(n.max(0) as u64)
    }

    /// Appends `stories` stories (a story is one to five rows), numbered from `first`, seeded
    /// by `seed`, ending about `now_s`.
    pub async fn append(
        &self,
        first: u64,
        stories: u64,
        seed: u64,
        now_s: i64,
    ) -> Result<Written, sqlx::Error> {
        let mut rng = StdRng::seed_from_u64(seed ^ first.wrapping_mul(0x9e37_79b9));
        let mut written = Written::default();
        let mut rows = Vec::with_capacity(256);
        for k in first..first + stories {
            // Stories run over the last day, oldest first, a few seconds apart.
            let t = now_s - ((first + stories - k) as i64 * 86_400 / stories.max(1) as i64);
            story(k, t, &mut rng, &mut rows, &mut written);
            if rows.len() >= 200 {
                self.insert(&rows).await?;
                rows.clear();
            }
        }
        self.insert(&rows).await?;
        Ok(written)
    }

    async fn insert(&self, rows: &[Row]) -> Result<(), sqlx::Error> {
        if rows.is_empty() {
            return Ok(());
        }
        let later = self.release.later_columns();
        let (q, group) = match self.db {
            Db::MySql(_) => ('`', "`group`"),
            _ => ('"', "\"group\""),
        };
        let mut columns = vec![
            "user_id",
            "created_at",
            "type",
            "content",
            "username",
            "token_name",
            "model_name",
            "quota",
            "prompt_tokens",
            "completion_tokens",
            "use_time",
            "is_stream",
            "channel_id",
            group,
            "other",
        ];
        columns.extend(later);
        let mut n = 0;
        let tuples: Vec<String> = rows
            .iter()
            .map(|_| {
                let marks: Vec<String> = columns
                    .iter()
                    .map(|_| {
                        n += 1;
                        match self.db {
                            Db::Postgres(_) => format!("${n}"),
                            _ => "?".into(),
                        }
                    })
                    .collect();
                format!("({})", marks.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {q}logs{q} ({}) VALUES {}",
            columns.join(", "),
            tuples.join(", ")
        );
        macro_rules! bind_rows {
            ($p:expr) => {{
                let mut query = sqlx::query(&sql);
                for r in rows {
                    query = query
                        .bind(r.user_id)
                        .bind(r.created_at)
                        .bind(r.log_type)
                        .bind(r.content.as_str())
                        .bind(r.username.as_str())
                        .bind(r.token_name.as_str())
                        .bind(r.model_name.as_str())
                        .bind(r.quota)
                        .bind(r.prompt_tokens)
                        .bind(r.completion_tokens)
                        .bind(r.use_time)
                        .bind(r.is_stream)
                        .bind(r.channel_id)
                        .bind(r.group.as_deref())
                        .bind(r.other.as_deref());
                    for c in later {
                        query = query.bind(match *c {
                            "ip" => r.ip.as_str(),
                            "request_id" => r.request_id.as_str(),
                            _ => r.upstream_request_id.as_str(),
                        });
                    }
                }
                query.execute($p).await?;
            }};
        }
        on_engine!(&self.db, p => bind_rows!(p));
        Ok(())
    }
}

/// A request id as new-api makes one: a time string and eight random characters.
fn request_id(t: i64, rng: &mut StdRng) -> String {
    let time = chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y%m%d%H%M%S").to_string())
        .unwrap_or_default();
    let tail: String = (0..8)
        .map(|_| char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[rng.random_range(0..36)]))
        .collect();
    format!("{time}{tail}")
}

fn error_other(status: Option<u16>, channel: i64, used: &[i64]) -> String {
    let name = CHANNELS
        .iter()
        .find(|(id, _)| *id == channel)
        .map_or("", |(_, n)| n);
    let used: Vec<String> = used.iter().map(i64::to_string).collect();
    serde_json::json!({
        "request_path": "/v1/chat/completions",
        "error_type": "upstream_error",
        "error_code": "bad_response_status_code",
        "status_code": status,
        "channel_id": channel,
        "channel_name": name,
        "channel_type": 1,
        "admin_info": {"use_channel": used},
    })
    .to_string()
}

fn consume_other(used: &[i64], stream_status: Option<serde_json::Value>) -> String {
    let used: Vec<String> = used.iter().map(i64::to_string).collect();
    let mut other = serde_json::json!({
        "model_ratio": 2.5, "group_ratio": 1, "completion_ratio": 4, "cache_tokens": 0,
        "frt": 850.0, "admin_info": {"use_channel": used}, "request_path": "/v1/chat/completions",
    });
    if let (Some(o), Some(s)) = (other.as_object_mut(), stream_status) {
        o.insert("stream_status".into(), s);
    }
    other.to_string()
}

/// Story `k` at time `t`: its rows, and what they count for.
fn story(k: u64, t: i64, rng: &mut StdRng, rows: &mut Vec<Row>, w: &mut Written) {
    let (user_id, username) = USERS[1 + (k as usize % 3)];
    let base = Row {
        user_id,
        created_at: t,
        username: username.into(),
        token_name: format!("{username}-key-{}", k % 2),
        model_name: MODELS[k as usize % MODELS.len()].into(),
        group: Some(GROUPS[k as usize % GROUPS.len()].into()),
        ip: format!("198.51.100.{}", k % 200),
        request_id: request_id(t, rng),
        ..Default::default()
    };
    let error = |content: &str, other: Option<String>, channel: i64| Row {
        log_type: 5,
        content: content.into(),
        other,
        channel_id: channel,
        ..base.clone()
    };
    let consume = |other: String, channel: i64, stream: bool| Row {
        log_type: 2,
        content: "模型倍率 2.50，补全倍率 4.00，分组倍率 1.00".into(),
        quota: 1_250,
        prompt_tokens: 320,
        completion_tokens: 96,
        use_time: 3,
        is_stream: stream,
        channel_id: channel,
        other: Some(other),
        upstream_request_id: format!("chatcmpl-{k:010}"),
        ..base.clone()
    };
    match k % 10 {
        // Failed on channels 8 and 17 (the second only in the content's prefix), then
        // succeeded on 3: three rows sharing one request id.
        0 => {
            rows.push(error(
                "bad response status code 502",
                Some(error_other(Some(502), 8, &[8])),
                8,
            ));
            let mut second = error(
                "status_code=503, upstream error: do request failed: EOF",
                Some(r#"{"channel_id":17,"error_type":"upstream_error","admin_info":{"use_channel":["8","17"]}}"#.into()),
                17,
            );
            second.created_at += 1;
            rows.push(second);
            let mut done = consume(consume_other(&[8, 17, 3], None), 3, false);
            done.created_at += 2;
            rows.push(done);
            w.errors += 2;
            w.consume += 1;
            w.retried_then_succeeded += 1;
        }
        // A key in the text; the status as a string and the business code as a number.
        1 => {
            rows.push(error(
                "Incorrect API key provided: sk-proj-AbCdEf1234567890XyZ. You can find your API key at https://platform.openai.com",
                Some(r#"{"status_code":"401","error_code":1004,"error_type":"openai_error"}"#.into()),
                8,
            ));
            w.errors += 1;
        }
        // `other` NULL and the status only in the prefix; `other` empty and no group (old rows).
        2 => {
            rows.push(error(
                "status_code=429, Rate limit reached for gpt-4o",
                None,
                21,
            ));
            let mut no_group = error("当前分组上游负载已饱和，请稍后再试", Some(String::new()), 0);
            no_group.group = None;
            rows.push(no_group);
            w.errors += 2;
        }
        // `other` not JSON, not an object, or an empty object.
        3 => {
            rows.push(error(
                "model gpt-5 does not exist",
                Some("not json {".into()),
                3,
            ));
            rows.push(error("quota exceeded", Some("[1, 2]".into()), 3));
            rows.push(error("upstream timeout", Some("{}".into()), 17));
            w.errors += 3;
        }
        // A stream that failed midway: a consume row whose stream_status says so.
        4 => {
            rows.push(consume(
                consume_other(
                    &[21],
                    Some(
                        serde_json::json!({"status": "error", "end_reason": "timeout",
                        "end_error": "stream read timeout after 120s", "error_count": 1,
                        "errors": ["upstream closed the connection"]}),
                    ),
                ),
                21,
                true,
            ));
            w.consume += 1;
            w.stream_failures += 1;
        }
        // A stream that ended well, and a plain consume row written late (created_at older
        // than the row before it).
        5 => {
            rows.push(consume(
                consume_other(
                    &[3],
                    Some(serde_json::json!({"status": "ok", "end_reason": "done"})),
                ),
                3,
                true,
            ));
            let mut late = consume(consume_other(&[3], None), 3, false);
            late.created_at -= 600;
            late.request_id = request_id(late.created_at, rng);
            rows.push(late);
            w.consume += 2;
        }
        // Every attempt failed: three error rows on three channels, one request id.
        6 => {
            for (i, ch) in [8, 17, 21].into_iter().enumerate() {
                let used: Vec<i64> = [8, 17, 21][..=i].to_vec();
                let mut r = error(
                    "status_code=500, internal server error",
                    Some(error_other(Some(500), ch, &used)),
                    ch,
                );
                r.created_at += i as i64;
                rows.push(r);
            }
            w.errors += 3;
        }
        // The types errscope does not keep.
        7 => {
            for (ty, content) in [
                (1, "通过兑换码充值 $10.00 额度"),
                (3, "管理员将用户额度从 $5.00 修改为 $15.00"),
                (4, "用户注册成功"),
                (6, "退款 $0.25 额度"),
                (7, "用户登录成功"),
            ] {
                rows.push(Row {
                    log_type: ty,
                    content: content.into(),
                    ..base.clone()
                });
            }
            w.other_types += 5;
        }
        // Ordinary traffic: successful requests.
        _ => {
            rows.push(consume(consume_other(&[3], None), 3, k.is_multiple_of(3)));
            w.consume += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_stories_write_every_shape_once() {
        let mut rng = StdRng::seed_from_u64(1);
        let (mut rows, mut w) = (Vec::new(), Written::default());
        for k in 0..10 {
            story(k, 1_764_000_000, &mut rng, &mut rows, &mut w);
        }
        assert_eq!(w.rows(), rows.len() as u64);
        let count = |t: i64| rows.iter().filter(|r| r.log_type == t).count() as u64;
        assert_eq!((count(5), count(2)), (w.errors, w.consume));
        assert_eq!(w.other_types, 5);
        assert_eq!((w.stream_failures, w.retried_then_succeeded), (1, 1));
        // The retried request's three rows share its id.
        assert_eq!(rows[0].request_id, rows[2].request_id);
    }
}

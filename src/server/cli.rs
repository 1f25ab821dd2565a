//! Command line: `errscope [serve]`, `migrate`, `demo`, `explain`, `key`, `user`, `import`, `bench`, `retention`, `alert`. Every flag has an env equivalent.
use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "errscope",
    version,
    about = "Error-log query console for LLM API relays"
)]
pub struct Cli {
    #[command(flatten)]
    pub db: DbArgs,
    /// Log filter, e.g. `info` or `errscope=debug,sqlx=warn`.
    #[arg(long, env = "ERRSCOPE_LOG", default_value = "info", global = true)]
    pub log: String,
    /// Log format: `text` or `json`.
    #[arg(
        long,
        env = "ERRSCOPE_LOG_FORMAT",
        default_value = "text",
        global = true
    )]
    pub log_format: String,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Args, Debug, Clone)]
pub struct DbArgs {
    /// Database URL: `sqlite://path/file.db` or `postgres://user:pass@host:5432/db`
    /// (created if missing; TLS with `?sslmode=require` or `verify-full&sslrootcert=ca.pem`).
    #[arg(
        long,
        env = "ERRSCOPE_DATABASE_URL",
        default_value = "sqlite://data/errscope.db",
        hide_env_values = true,
        global = true
    )]
    pub database_url: String,
    /// A PostgreSQL read replica (a streaming standby of --database-url) for the pages of logs
    /// and Group Health; repeat for several, read in turn. Ingest, sync, retention, sessions
    /// and the admin pages use the primary.
    #[arg(
        long,
        env = "ERRSCOPE_READ_DATABASE_URL",
        value_delimiter = ',',
        hide_env_values = true,
        global = true
    )]
    pub read_database_url: Vec<String>,
    /// Connections in the database pool.
    #[arg(
        long,
        env = "ERRSCOPE_DB_POOL_SIZE",
        default_value_t = 8,
        global = true
    )]
    pub db_pool_size: u32,
    /// PostgreSQL: cancel any statement running longer than this (milliseconds, 0: never).
    #[arg(
        long,
        env = "ERRSCOPE_DB_STATEMENT_TIMEOUT_MS",
        default_value_t = 30_000,
        global = true
    )]
    pub db_statement_timeout_ms: u64,
    /// How long to wait for the database: a connection from a busy pool, or the server.
    #[arg(
        long,
        env = "ERRSCOPE_DB_CONNECT_TIMEOUT_MS",
        default_value_t = 10_000,
        global = true
    )]
    pub db_connect_timeout_ms: u64,
}

impl DbArgs {
    pub fn options(&self) -> crate::server::store::StoreOptions {
        crate::server::store::StoreOptions {
            max_connections: self.db_pool_size,
            statement_timeout_ms: self.db_statement_timeout_ms,
            acquire_timeout_ms: self.db_connect_timeout_ms,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the console (the default).
    Serve(ServeArgs),
    /// Run the database migrations and exit.
    Migrate,
    /// Generate deterministic demo logs into the database.
    Demo(DemoArgs),
    /// Write a new-api database (its own tables and row shapes) to try the sync on:
    /// `errscope demo-newapi --to sqlite://newapi-demo.db`, then
    /// `errscope serve --follow-newapi sqlite://newapi-demo.db`. Appends when it exists.
    DemoNewapi(DemoNewApiArgs),
    /// Ask the attribution engine about an error.
    Explain(ExplainArgs),
    /// Manage API keys: relays push logs with ingest keys, tools read them with read keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Manage console accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Import logs that exist elsewhere.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Measure the console's queries on a generated dataset against new-api's strategy.
    Bench(BenchArgs),
    /// How many days of logs to keep, and purging what is older.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Alert rules: a webhook told when Group Health finds failures concentrating.
    #[command(subcommand)]
    Alert(AlertCommand),
}

#[derive(Subcommand, Debug)]
pub enum AlertCommand {
    /// Add a rule. It fires once per incident Group Health finds in its window (a group, a
    /// token or several groups failing at once; with --min-rate, a group over that error rate).
    Add {
        #[arg(long)]
        name: String,
        /// The webhook (a robot's URL carries its token: prefer the environment variable).
        #[arg(long, env = "ERRSCOPE_ALERT_WEBHOOK", hide_env_values = true)]
        webhook: String,
        /// json, slack, feishu (or lark), dingtalk or wecom.
        #[arg(long, default_value = "json")]
        format: String,
        /// Signing secret: HMAC for json, the robot's own signing for feishu and dingtalk.
        #[arg(
            long,
            env = "ERRSCOPE_ALERT_SECRET",
            hide_env_values = true,
            default_value = ""
        )]
        secret: String,
        /// Group Health window: 1h, 6h, 24h or 7d.
        #[arg(long, default_value = "1h")]
        window: String,
        /// A finding needs at least this many errors.
        #[arg(long, default_value_t = 20)]
        min_errors: u64,
        /// Also fire when a group's error rate reaches this percentage.
        #[arg(long)]
        min_rate: Option<u8>,
        /// Only findings about this group.
        #[arg(long)]
        group: Option<String>,
        /// Send a message when an incident is over, too.
        #[arg(long)]
        notify_resolved: bool,
        /// After a message, the same incident coming back within this many minutes is quiet.
        #[arg(long, default_value_t = 30)]
        cooldown_minutes: i64,
        /// Language of the messages: en or zh.
        #[arg(long, default_value = "en")]
        lang: String,
        /// Time zone of the times in the messages (IANA name).
        #[arg(long, default_value = "UTC")]
        tz: String,
        #[command(flatten)]
        target: AlertTargetArgs,
    },
    /// List rules (webhooks by host only).
    List,
    /// Remove a rule (by id or name).
    Remove { rule: String },
    /// Send a test message to a rule's webhook now and print its answer.
    Test {
        rule: String,
        #[command(flatten)]
        target: AlertTargetArgs,
    },
}

/// Where webhooks may point.
#[derive(Args, Debug, Clone, Default)]
pub struct AlertTargetArgs {
    /// Allow webhooks on this machine's loopback (a local receiver; errscope's own port never).
    #[arg(long, env = "ERRSCOPE_ALERT_ALLOW_LOOPBACK", default_value_t = false, action = clap::ArgAction::Set)]
    pub alert_allow_loopback: bool,
}

#[derive(Subcommand, Debug)]
pub enum RetentionCommand {
    /// Print each log type's retention and the latest purges.
    Show,
    /// Set how many days of one log type to keep (`--days forever` keeps every row).
    Set {
        /// error or consume.
        #[arg(long = "type")]
        log_type: String,
        /// Whole days from 1 to 3650, or `forever`.
        #[arg(long)]
        days: String,
    },
    /// Purge expired rows now (the server also does it every --retention-interval-minutes).
    Run,
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// From new-api's `logs` table: error rows, and consume rows with --consume. Resumes
    /// after the last imported id; safe to re-run.
    NewApi {
        /// new-api's database, e.g. sqlite:///opt/new-api/one-api.db
        #[arg(long = "from")]
        from: String,
        /// Import consume (success) rows too, so Group Health has error rates.
        #[arg(long)]
        consume: bool,
        /// Rows per transaction.
        #[arg(long, default_value_t = 5_000)]
        batch: i64,
    },
    /// From a file: NDJSON (one ingest record per line) or CSV with the export's columns.
    /// Exits non-zero when lines were rejected (each is listed); safe to re-run.
    File {
        /// The file; `.csv` is read as CSV, `.ndjson`/`.jsonl`/`.json` as NDJSON.
        path: std::path::PathBuf,
        /// Rows per transaction.
        #[arg(long, default_value_t = 5_000)]
        batch: usize,
    },
}

#[derive(Args, Debug, Clone)]
pub struct BenchArgs {
    /// Rows to generate (the brief's size is 10,000,000).
    #[arg(long, default_value_t = 10_000_000)]
    pub rows: usize,
    /// Timed runs of each errscope query.
    #[arg(long, default_value_t = 30)]
    pub runs: usize,
    /// Timed runs of each baseline query (they are slow).
    #[arg(long, default_value_t = 3)]
    pub baseline_runs: usize,
    /// SQLite file for the dataset (replaced); default: a file in the temp folder.
    #[arg(long)]
    pub db_path: Option<String>,
    /// Run on PostgreSQL instead: the server's URL without a database name (e.g.
    /// postgres://postgres@127.0.0.1:5432); a fresh database errscope_bench is used.
    #[arg(long)]
    pub postgres: Option<String>,
    /// With --postgres: a streaming replica of that server (its URL without a database name);
    /// the pages of the query mix read from it, as `serve --read-database-url` does.
    #[arg(long, requires = "postgres")]
    pub postgres_replica: Option<String>,
    /// Keep the database afterwards.
    #[arg(long)]
    pub keep: bool,
    /// Query the database an earlier `--keep` run left (same `--db-path` or `--postgres`)
    /// instead of loading a new one, and keep it: for profiling a query; reports no ingest figure.
    #[arg(long)]
    pub reuse: bool,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Rows of the new-api SQLite database the sync's rate is measured on (0: skip).
    #[arg(long, default_value_t = 1_000_000)]
    pub sync_rows: u64,
    /// Seconds the live-tail case runs its 100 tabs (0: skip).
    #[arg(long, default_value_t = 30)]
    pub live_seconds: u64,
    /// Clients of the load case, each on its own connection.
    #[arg(long, default_value_t = 200)]
    pub load_clients: usize,
    /// Seconds the load case runs its clients over the query mix (0: skip).
    #[arg(long, default_value_t = 20)]
    pub load_seconds: u64,
    /// Report without failing when a target is missed.
    #[arg(long)]
    pub report_only: bool,
    /// Folder of the built site, for the page-weight figures.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
}

impl BenchArgs {
    pub fn database_path(&self) -> String {
        self.db_path.clone().unwrap_or_else(|| {
            std::env::temp_dir()
                .join(format!("errscope-bench-{}.db", std::process::id()))
                .display()
                .to_string()
        })
    }
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create an account. The password is read from ERRSCOPE_PASSWORD, else asked for without
    /// echo on a terminal, else read from standard input.
    Add {
        #[arg(long)]
        username: String,
        /// user, support or admin.
        #[arg(long, default_value = "user")]
        role: String,
        /// The relay user id whose logs a `user` account may see.
        #[arg(long)]
        relay_user_id: Option<i64>,
    },
    /// List accounts.
    List,
}

#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Create a key; it is printed once and stored hashed.
    Create {
        #[arg(long)]
        name: String,
        /// `ingest` (a relay pushes logs) or `read` (a tool reads them through /api/v1).
        #[arg(long, default_value = "ingest")]
        scope: String,
        /// A read key limited to this relay user's rows (what that user's account would see).
        #[arg(long)]
        user: Option<i64>,
    },
    /// List keys (prefix only).
    List,
    /// Revoke a key by id.
    Revoke { id: i64 },
}

#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ERRSCOPE_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: String,
    /// Load demo data and the demo accounts on start, into a database that has never held
    /// rows or accounts (`scripts/run` sets it; never for a real deployment).
    #[arg(long, env = "ERRSCOPE_DEMO", default_value_t = false, action = clap::ArgAction::Set)]
    pub demo: bool,
    /// Rows of demo data to generate with --demo.
    #[arg(long, env = "ERRSCOPE_DEMO_ROWS", default_value_t = 60_000)]
    pub demo_rows: usize,
    /// Folder of the built site (`pkg/` with the wasm and JS).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Sign a session out after this many minutes without a request.
    #[arg(long, env = "ERRSCOPE_SESSION_IDLE_MINUTES", default_value_t = 120)]
    pub session_idle_minutes: i64,
    /// Sign a session out this many hours after sign-in, active or not.
    #[arg(long, env = "ERRSCOPE_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: i64,
    /// Mark cookies Secure (implied by an https --public-url; with a trusted proxy, cookies
    /// also turn Secure for requests it marks `X-Forwarded-Proto: https`).
    #[arg(long, env = "ERRSCOPE_SECURE_COOKIES", default_value_t = false, action = clap::ArgAction::Set)]
    pub secure_cookies: bool,
    /// The address users reach errscope at, e.g. https://errscope.example.com (https makes
    /// cookies Secure and __Host- prefixed, and turns on HSTS).
    #[arg(long, env = "ERRSCOPE_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Reverse proxies whose X-Forwarded-For / Forwarded / X-Forwarded-Proto are believed:
    /// addresses or networks, repeatable or comma-separated (e.g. 127.0.0.1,10.0.0.0/8).
    /// Without one, the connection's address is the client's.
    #[arg(
        long = "trusted-proxy",
        env = "ERRSCOPE_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<String>,
    /// On first start with no accounts, create this admin (with ERRSCOPE_ADMIN_PASSWORD).
    #[arg(long, env = "ERRSCOPE_ADMIN_USERNAME", default_value = "admin")]
    pub admin_username: String,
    #[arg(long, env = "ERRSCOPE_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
    /// Follow a new-api database (its error and consume rows) while serving: a database URL,
    /// e.g. sqlite:///opt/new-api/one-api.db or mysql://user:pass@host/new-api. Repeatable;
    /// in the environment, comma-separated. Admins can add more on /admin/sources.
    #[arg(
        long = "follow-newapi",
        env = "ERRSCOPE_FOLLOW_NEWAPI",
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub follow_newapi: Vec<String>,
    /// How often the followed new-api databases are polled.
    #[arg(long, env = "ERRSCOPE_FOLLOW_INTERVAL_SECONDS", default_value_t = 5)]
    pub follow_interval_seconds: u64,
    /// Purge rows older than the retention (set by admins) this often.
    #[arg(
        long,
        env = "ERRSCOPE_RETENTION_INTERVAL_MINUTES",
        default_value_t = 60
    )]
    pub retention_interval_minutes: u64,
    /// Serve `GET /metrics` (Prometheus) to requests bearing this token; unset: no metrics.
    #[arg(long, env = "ERRSCOPE_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// How often alert rules are evaluated against Group Health.
    #[arg(long, env = "ERRSCOPE_ALERT_INTERVAL_SECONDS", default_value_t = 60)]
    pub alert_interval_seconds: u64,
    #[command(flatten)]
    pub alert_target: AlertTargetArgs,
}

impl ServeArgs {
    pub fn alert_settings(&self) -> crate::server::alerts::AlertSettings {
        crate::server::alerts::AlertSettings {
            interval: std::time::Duration::from_secs(self.alert_interval_seconds.max(1)),
            policy: crate::server::alerts::target::TargetPolicy {
                allow_loopback: self.alert_target.alert_allow_loopback,
                own: self.addr.parse().ok(),
            },
            public_url: self.public_url.clone(),
        }
    }

    pub fn session_settings(&self) -> crate::server::auth::session::SessionSettings {
        crate::server::auth::session::SessionSettings {
            idle_minutes: self.session_idle_minutes.max(1),
            absolute_hours: self.session_max_hours.max(1),
            secure_cookies: self.https(),
        }
    }

    /// Browsers always reach errscope over https.
    fn https(&self) -> bool {
        self.secure_cookies
            || self
                .public_url
                .as_deref()
                .is_some_and(|u| u.trim().to_ascii_lowercase().starts_with("https://"))
    }

    pub fn network(&self) -> Result<crate::server::http::client::Network, String> {
        Ok(crate::server::http::client::Network {
            trusted_proxies: crate::server::http::client::Network::parse_proxies(
                &self.trusted_proxies,
            )
            .map_err(|e| format!("--trusted-proxy: {e}"))?,
            https: self.https(),
        })
    }
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs {
            addr: "127.0.0.1:3000".into(),
            demo: false,
            demo_rows: 60_000,
            site_root: "target/site".into(),
            session_idle_minutes: 120,
            session_max_hours: 12,
            secure_cookies: false,
            public_url: None,
            trusted_proxies: Vec::new(),
            admin_username: "admin".into(),
            admin_password: None,
            retention_interval_minutes: 60,
            follow_newapi: Vec::new(),
            follow_interval_seconds: 5,
            metrics_token: None,
            alert_interval_seconds: 60,
            alert_target: AlertTargetArgs::default(),
        }
    }
}

#[derive(Args, Debug, Clone)]
pub struct DemoArgs {
    /// Rows to generate.
    #[arg(long, default_value_t = 60_000)]
    pub rows: usize,
    /// Random seed (the same seed gives the same data).
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

#[derive(Args, Debug, Clone)]
pub struct DemoNewApiArgs {
    /// The database to write: sqlite://file.db, postgres://... or mysql://...
    #[arg(long)]
    pub to: String,
    /// Stories to write (one to five rows each: retries, failures, successes, other types).
    #[arg(long, default_value_t = 1_000)]
    pub stories: u64,
    /// Which release's columns: base, ip, request-id or current.
    #[arg(long, default_value = "current")]
    pub release: String,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

#[derive(Args, Debug, Clone)]
pub struct ExplainArgs {
    /// HTTP status code of the failed request.
    #[arg(long)]
    pub status: Option<u16>,
    /// Business error code (`error.code`).
    #[arg(long)]
    pub code: Option<String>,
    /// Error message (content).
    #[arg(long, default_value = "")]
    pub message: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Language of the text: en or zh.
    #[arg(long, default_value = "en")]
    pub lang: String,
}

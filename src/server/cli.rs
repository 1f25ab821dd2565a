//! Command line: `errscope [serve]`, `migrate`, `demo`, `explain`. Every flag has an env equivalent.
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
    /// Database URL: `sqlite://path/file.db` (created if missing).
    #[arg(
        long,
        env = "ERRSCOPE_DATABASE_URL",
        default_value = "sqlite://data/errscope.db",
        global = true
    )]
    pub database_url: String,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the console (the default).
    Serve(ServeArgs),
    /// Run the database migrations and exit.
    Migrate,
    /// Generate deterministic demo logs into the database.
    Demo(DemoArgs),
    /// Ask the attribution engine about an error.
    Explain(ExplainArgs),
    /// Manage the ingest keys relays use to push logs.
    #[command(subcommand)]
    Key(KeyCommand),
}

#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Create a key; it is printed once and stored hashed.
    Create {
        #[arg(long)]
        name: String,
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
    /// Fill an empty database with demo data on start.
    #[arg(long, env = "ERRSCOPE_DEMO", default_value_t = true, action = clap::ArgAction::Set)]
    pub demo: bool,
    /// Rows of demo data to generate when the database is empty.
    #[arg(long, env = "ERRSCOPE_DEMO_ROWS", default_value_t = 60_000)]
    pub demo_rows: usize,
    /// Folder of the built site (`pkg/` with the wasm and JS).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
}

impl Default for ServeArgs {
    fn default() -> Self {
        ServeArgs {
            addr: "127.0.0.1:3000".into(),
            demo: true,
            demo_rows: 60_000,
            site_root: "target/site".into(),
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

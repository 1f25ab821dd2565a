#![recursion_limit = "256"]
use clap::Parser;
use errscope::server::auth::accounts::{self, NewAccount};
use errscope::server::cli::{
    Cli, Command, DbArgs, ImportCommand, KeyCommand, RetentionCommand, ServeArgs, UserCommand,
};
use errscope::server::{
    alerts, demo, explain, http, retention, startup, store::Store, sync, time::now_ms, views,
};

/// glibc's allocator spent a fifth of a loaded server's CPU in malloc and free (a profile of
/// `errscope bench`'s load case); mimalloc's per-thread pages cost a fraction of that.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let mut cli = Cli::parse();
    if cli.command.is_none() {
        // `errscope` alone is `errscope serve`, its flags and environment read as such.
        let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        args.push("serve".into());
        cli = Cli::parse_from(args);
    }
    init_tracing(&cli.log, &cli.log_format);
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("errscope: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_tracing(filter: &str, format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn open(db: &DbArgs) -> Result<Store, Box<dyn std::error::Error>> {
    let store = Store::connect_with(&db.database_url, &db.options()).await?;
    store.migrate().await?;
    Ok(store
        .with_replicas(&db.read_database_url, &db.options())
        .await?)
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => {
            let store = open(&cli.db).await?;
            startup::prepare(&store, &args).await?;
            retention::spawn(
                store.clone(),
                std::time::Duration::from_secs(args.retention_interval_minutes.max(1) * 60),
            );
            sync::spawn(
                store.clone(),
                sync::SyncSettings::every(std::time::Duration::from_secs(
                    args.follow_interval_seconds.max(1),
                )),
            );
            alerts::spawn(store.clone(), args.alert_settings());
            views::health::spawn_warm_up(store.clone());
            http::serve(errscope::ui::frontend(), store, &args).await?;
        }
        Command::Migrate => {
            let store = open(&cli.db).await?;
            println!(
                "migrations applied to the {} database",
                store.backend().as_str()
            );
        }
        Command::Demo(args) => {
            let store = open(&cli.db).await?;
            let started = std::time::Instant::now();
            let had_accounts = store.count_accounts().await? > 0;
            let n = demo::load(&store, args.rows, args.seed, now_ms()).await?;
            // The demo accounts' passwords are published: never beside real accounts.
            let created = if had_accounts {
                0
            } else {
                demo::create_accounts(&store).await?
            };
            println!(
                "inserted {n} demo rows in {:.1?}, created {created} demo accounts",
                started.elapsed()
            );
        }
        Command::DemoNewapi(args) => {
            use errscope::server::demo::newapi::{NewApiDemo, Release};
            let release = Release::parse(&args.release)
                .ok_or("--release must be base, ip, request-id or current")?;
            let demo = NewApiDemo::open(&args.to, release).await?;
            let first = demo.rows_written().await?;
            let w = demo
                .append(first, args.stories, args.seed, now_ms() / 1000)
                .await?;
            println!(
                "wrote {} rows to {}: {} error, {} consume ({} streams failed midway), {} of other types",
                w.rows(),
                errscope::server::newapi::display_name(&args.to),
                w.errors,
                w.consume,
                w.stream_failures,
                w.other_types
            );
        }
        Command::User(cmd) => {
            let store = open(&cli.db).await?;
            match cmd {
                UserCommand::Add {
                    username,
                    role,
                    relay_user_id,
                } => {
                    let password = match std::env::var("ERRSCOPE_PASSWORD") {
                        Ok(p) => p,
                        Err(_) if std::io::IsTerminal::is_terminal(&std::io::stdin()) => {
                            rpassword::prompt_password(format!("password for {username}: "))?
                        }
                        Err(_) => {
                            let mut line = String::new();
                            std::io::stdin().read_line(&mut line)?;
                            line.trim_end_matches(['\r', '\n']).to_string()
                        }
                    };
                    let new = NewAccount {
                        username: username.clone(),
                        password,
                        role,
                        relay_user_id,
                    };
                    let id = accounts::create(&store, &new).await?;
                    println!("created account {id} {username}");
                }
                UserCommand::List => {
                    for a in store.accounts().await? {
                        let relay = a.relay_user_id.map(|u| u.to_string()).unwrap_or_default();
                        let state = if a.disabled { "disabled" } else { "active" };
                        println!("{}\t{}\t{}\t{}\t{}", a.id, a.username, a.role, relay, state);
                    }
                }
            }
        }
        Command::Key(cmd) => {
            let store = open(&cli.db).await?;
            match cmd {
                KeyCommand::Create { name, scope, user } => {
                    let user = user.map(|u| u.to_string()).unwrap_or_default();
                    let (scope, user) =
                        errscope::server::auth::ingest_keys::valid_scope(&scope, &user)?;
                    let key = store.create_key(&name, scope, user, now_ms()).await?;
                    println!("{key}\n(shown once: store it now; errscope keeps only its hash)");
                }
                KeyCommand::List => {
                    for k in store.list_keys().await? {
                        let state = if k.revoked_ms.is_some() {
                            "revoked"
                        } else {
                            "active"
                        };
                        let user = k
                            .relay_user_id
                            .map(|u| format!(" (user {u})"))
                            .unwrap_or_default();
                        println!(
                            "{}\t{}\t{}…\t{}{user}\t{}",
                            k.id,
                            k.name,
                            k.prefix,
                            k.scope.as_str(),
                            state
                        );
                    }
                }
                KeyCommand::Revoke { id } => {
                    if store.revoke_key(id, now_ms()).await? {
                        println!("revoked key {id}");
                    } else {
                        return Err(format!("no active key with id {id}").into());
                    }
                }
            }
        }
        Command::Import(ImportCommand::NewApi {
            from,
            consume,
            batch,
        }) => {
            let store = open(&cli.db).await?;
            let bar = progress_bar("{bar:40} {pos}/{len} rows ({per_sec}, eta {eta})")?;
            let report = errscope::server::import::newapi::import(
                &store,
                &from,
                consume,
                batch,
                |done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                },
            )
            .await?;
            bar.finish_and_clear();
            store.analyze().await?;
            println!(
                "read {} rows, inserted {}, already present {}, rejected {}, skipped {} rows of \
                 other types (top-up, manage, system, refund, login); resumes after id {}",
                report.read,
                report.inserted,
                report.duplicates,
                report.rejected,
                report.skipped_types,
                report.last_id
            );
            for (id, why) in &report.examples {
                println!("  rejected new-api id {id}: {}: {}", why.field, why.reason);
            }
        }
        Command::Import(ImportCommand::File { path, batch }) => {
            let store = open(&cli.db).await?;
            let bar = progress_bar("{bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta})")?;
            let report =
                errscope::server::import::file::import(&store, &path, batch, |done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                })
                .await?;
            bar.finish_and_clear();
            store.analyze().await?;
            println!(
                "read {} lines, inserted {}, already present {}, rejected {}",
                report.read, report.inserted, report.duplicates, report.rejected
            );
            for r in &report.examples {
                eprintln!("  line {}: {}: {}", r.line, r.why.field, r.why.reason);
            }
            if report.rejected as usize > report.examples.len() {
                eprintln!(
                    "  … and {} more",
                    report.rejected as usize - report.examples.len()
                );
            }
            if report.rejected > 0 {
                return Err(
                    format!("{} lines were rejected (listed above)", report.rejected).into(),
                );
            }
        }
        Command::Retention(cmd) => {
            let store = open(&cli.db).await?;
            retention_command(&store, cmd).await?;
        }
        Command::Alert(cmd) => {
            let store = open(&cli.db).await?;
            let public_url = std::env::var("ERRSCOPE_PUBLIC_URL").ok();
            alerts::command::run(&store, cmd, public_url.as_deref()).await?;
        }
        Command::Bench(args) => {
            if !errscope::server::bench::run(errscope::ui::frontend(), &args).await? {
                return Err("a target of the brief was missed (see the table above)".into());
            }
        }
        Command::Explain(args) => {
            let req = explain::ExplainRequest {
                status: args.status,
                code: args.code,
                message: args.message,
                lang: Some(args.lang),
            };
            let answer = explain::explain(&req);
            if args.json {
                println!("{}", serde_json::to_string_pretty(&answer)?);
            } else {
                print!("{}", explain::to_text(&answer));
            }
        }
    }
    Ok(())
}

fn progress_bar(template: &str) -> Result<indicatif::ProgressBar, indicatif::style::TemplateError> {
    Ok(indicatif::ProgressBar::new(0)
        .with_style(indicatif::ProgressStyle::with_template(template)?))
}

async fn retention_command(
    store: &Store,
    cmd: RetentionCommand,
) -> Result<(), Box<dyn std::error::Error>> {
    use errscope::domain::log::LogType;
    use errscope::domain::retention::{parse_days, Retention};
    match cmd {
        RetentionCommand::Show => {
            for r in store.retention().await? {
                let days = r
                    .days
                    .map_or("forever".to_string(), |d| format!("{d} days"));
                println!("{}\t{days}", r.log_type.as_str());
            }
            for p in store.purge_reports(10).await? {
                println!(
                    "purged {} {} rows older than {} days ({} ms, at {})",
                    p.removed,
                    p.log_type.as_str(),
                    p.days,
                    p.finished_ms - p.started_ms,
                    p.finished_ms
                );
            }
        }
        RetentionCommand::Set { log_type, days } => {
            let log_type = LogType::parse(&log_type).ok_or("--type must be error or consume")?;
            let days = parse_days(&days)?;
            store.set_retention(Retention { log_type, days }).await?;
            println!(
                "{}: {}",
                log_type.as_str(),
                days.map_or("forever".into(), |d| format!("{d} days"))
            );
        }
        RetentionCommand::Run => {
            for p in retention::purge_expired(store, now_ms(), retention::BATCH).await? {
                println!(
                    "removed {} {} rows older than {} days",
                    p.removed,
                    p.log_type.as_str(),
                    p.days
                );
            }
        }
    }
    Ok(())
}

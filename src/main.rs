use clap::Parser;
use errscope::server::cli::{Cli, Command, KeyCommand, ServeArgs};
use errscope::server::{demo, explain, http, store::Store, time::now_ms};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
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

async fn open(url: &str) -> Result<Store, Box<dyn std::error::Error>> {
    let store = Store::connect(url).await?;
    store.migrate().await?;
    Ok(store)
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => {
            let store = open(&cli.db.database_url).await?;
            if args.demo && store.is_empty().await? {
                let started = std::time::Instant::now();
                let n = demo::load(&store, args.demo_rows, 7, now_ms()).await?;
                tracing::info!(
                    "empty database: loaded {n} demo rows in {:?}",
                    started.elapsed()
                );
            }
            http::serve(store, &args).await?;
        }
        Command::Migrate => {
            open(&cli.db.database_url).await?;
            println!("migrations applied to {}", cli.db.database_url);
        }
        Command::Demo(args) => {
            let store = open(&cli.db.database_url).await?;
            let started = std::time::Instant::now();
            let n = demo::load(&store, args.rows, args.seed, now_ms()).await?;
            println!("inserted {n} demo rows in {:.1?}", started.elapsed());
        }
        Command::Key(cmd) => {
            let store = open(&cli.db.database_url).await?;
            match cmd {
                KeyCommand::Create { name } => {
                    let key = store.create_ingest_key(&name, now_ms()).await?;
                    println!("{key}\n(shown once: store it now; errscope keeps only its hash)");
                }
                KeyCommand::List => {
                    for k in store.list_ingest_keys().await? {
                        let state = if k.revoked_ms.is_some() {
                            "revoked"
                        } else {
                            "active"
                        };
                        println!("{}\t{}\t{}…\t{}", k.id, k.name, k.prefix, state);
                    }
                }
                KeyCommand::Revoke { id } => {
                    if store.revoke_ingest_key(id, now_ms()).await? {
                        println!("revoked key {id}");
                    } else {
                        return Err(format!("no active key with id {id}").into());
                    }
                }
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

//! What `errscope serve` does to the database before it listens: demo data only when asked
//! for and only into a database never used, the first admin from the environment, and the
//! new-api sources given on the command line.
use crate::server::auth::accounts;
use crate::server::cli::ServeArgs;
use crate::server::store::Store;
use crate::server::{demo, sync, time::now_ms};

/// What the start did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Started {
    pub demo_rows: u64,
    pub demo_accounts: usize,
    pub admin_created: bool,
}

pub async fn prepare(
    store: &Store,
    args: &ServeArgs,
) -> Result<Started, Box<dyn std::error::Error>> {
    let mut started = Started::default();
    if args.demo {
        if store.never_used().await? {
            let t = std::time::Instant::now();
            started.demo_rows = demo::load(store, args.demo_rows, 7, now_ms()).await?;
            started.demo_accounts = demo::create_accounts(store).await?;
            tracing::info!(
                "demo: loaded {} demo rows and {} demo accounts in {:?}",
                started.demo_rows,
                started.demo_accounts,
                t.elapsed()
            );
        } else {
            tracing::warn!(
                "--demo ignored: this database has held rows or accounts; demo data goes only into a new database"
            );
        }
    }
    let password = args.admin_password.as_deref();
    started.admin_created =
        accounts::bootstrap_admin(store, &args.admin_username, password).await?;
    if started.admin_created {
        tracing::info!("created the first admin account {:?}", args.admin_username);
    } else if password.is_some_and(|p| !p.is_empty()) {
        tracing::info!("ERRSCOPE_ADMIN_PASSWORD left unused: accounts exist already");
    }
    if store.count_accounts().await? == 0 {
        tracing::warn!(
            "no console accounts yet: create one with `errscope user add --role admin --username NAME`, \
             or start once with ERRSCOPE_ADMIN_PASSWORD set"
        );
    }
    sync::register_flag_sources(store, &args.follow_newapi).await?;
    Ok(started)
}

//! A real deployment's start: demo data and demo accounts only when asked for, and only into
//! a database that has never been used; the first admin from the environment.
use errscope::server::cli::ServeArgs;
use errscope::server::startup::{prepare, Started};

use crate::common;

#[tokio::test]
async fn a_plain_start_with_an_admin_password_creates_only_that_admin() {
    let (store, _dir) = common::store().await;
    let args = ServeArgs {
        admin_username: "ops".into(),
        admin_password: Some("a-long-operator-password".into()),
        ..Default::default()
    };
    assert!(!args.demo, "demo data is off by default");
    let started = prepare(&store, &args).await.unwrap();
    assert_eq!(
        started,
        Started {
            admin_created: true,
            ..Default::default()
        }
    );
    assert!(store.is_empty().await.unwrap(), "no demo rows");
    let accounts = store.accounts().await.unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].username, "ops");
    // A restart changes nothing.
    assert_eq!(prepare(&store, &args).await.unwrap(), Started::default());
    assert_eq!(store.accounts().await.unwrap().len(), 1);
}

#[tokio::test]
async fn demo_data_goes_only_into_a_database_never_used() {
    let demo = ServeArgs {
        demo: true,
        demo_rows: 2_000,
        ..Default::default()
    };
    // A new database gets the demo rows and accounts.
    let (store, _dir) = common::store().await;
    let started = prepare(&store, &demo).await.unwrap();
    assert!(
        started.demo_rows > 1_000 && started.demo_accounts > 0,
        "{started:?}"
    );

    // A database whose rows retention purged, or that holds an account, gets nothing: the
    // demo's published passwords never sign in there.
    let (used, _dir2) = common::store().await;
    common::seed(&used, 5).await;
    used.execute_raw("DELETE FROM logs").await.unwrap();
    used.execute_raw(
        "INSERT INTO retention_runs (started_ms, finished_ms, log_type, days, cutoff_ms, removed) \
         VALUES (1, 2, 5, 30, 0, 5)",
    )
    .await
    .unwrap();
    assert_eq!(prepare(&used, &demo).await.unwrap(), Started::default());
    assert!(used.is_empty().await.unwrap());
    assert!(used.account_by_username("admin").await.unwrap().is_none());

    let (with_account, _dir3) = common::store().await;
    let ops = ServeArgs {
        admin_password: Some("a-long-operator-password".into()),
        ..Default::default()
    };
    prepare(&with_account, &ops).await.unwrap();
    assert_eq!(
        prepare(&with_account, &demo).await.unwrap(),
        Started::default()
    );
    assert!(with_account.is_empty().await.unwrap());
    assert_eq!(with_account.accounts().await.unwrap().len(), 1);
}

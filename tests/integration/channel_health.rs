//! Channel health against the store: a channel failing a group's model while the group's other
//! channels succeed is called out with counts that its link reproduces, every channel's card
//! counts its own rows, an alert rule fires on the call-out, and only admins may look.
use crate::common;

use serde_json::json;

use errscope::domain::access::{Account, Role};
use errscope::domain::alert::RuleInput;
use errscope::domain::filter::LogQuery;
use errscope::domain::lang::Lang;
use errscope::server::alerts::admin::add_rule;
use errscope::server::alerts::evaluate_all;
use errscope::server::alerts::target::TargetPolicy;
use errscope::server::auth::Viewer;
use errscope::server::ingest::prepare_value;
use errscope::server::store::Store;
use errscope::server::time::{now_ms, Zone};
use errscope::server::views::asker::PageError;
use errscope::server::views::channels::channel_health_as;
use errscope::server::views::health::Latencies;
use errscope::server::views::logs::list_logs_as;

/// azure-east fails 45 of its 60 gpt-4o requests in vip; openai-main serves 200 of them with 6
/// failures; in default azure-east is fine.
async fn plant(store: &Store, now: i64) {
    let mut rows = Vec::new();
    let mut push = |i: usize, channel: &str, group: &str, failed: bool| {
        let mut v = json!({
            "time": now - 5_000 - i as i64 * 1_000,
            "user_id": 7 + (i % 5) as i64,
            "token_name": format!("t{}", i % 5),
            "group": group,
            "model": "gpt-4o",
            "request_id": format!("{channel}-{group}-{i}"),
            "channel": channel,
        });
        if failed {
            v["status_code"] = json!(500);
            v["content"] = json!("upstream error: do request failed");
        } else {
            v["type"] = json!("consume");
        }
        rows.push(prepare_value(v).unwrap());
    };
    for i in 0..60 {
        push(i, "azure-east", "vip", i < 45);
    }
    for i in 0..200 {
        push(i, "openai-main", "vip", i < 6);
    }
    for i in 0..30 {
        push(i, "azure-east", "default", false);
    }
    store.insert_batch(&rows).await.unwrap();
}

fn viewer(role: Role) -> Viewer {
    Viewer {
        account: Account {
            role,
            ..Viewer::system().account
        },
    }
}

#[tokio::test]
async fn the_failing_channel_is_called_out_and_every_number_opens_its_rows() {
    let (store, _db) = common::store().await;
    plant(&store, now_ms()).await;
    let admin = viewer(Role::Admin);
    let page = channel_health_as(
        &store,
        &admin,
        Zone::default(),
        Lang::En,
        "1h",
        None,
        Latencies::Read,
    )
    .await
    .unwrap();
    assert_eq!(page.callouts.len(), 1, "{:?}", page.callouts);
    let c = &page.callouts[0];
    assert_eq!(c.key, "channel:azure-east:vip:gpt-4o");
    assert_eq!(c.count, 45);
    assert!(
        c.sentence.starts_with(
            "Channel azure-east fails 75% of gpt-4o requests in group vip (45 of 60); \
             the group's other channel fails 3%"
        ),
        "{}",
        c.sentence
    );

    // Each link, opened as the admin, counts what the page says.
    let rows_at = |href: &str| {
        let query: LogQuery = serde_urlencoded_query(href);
        let store = store.clone();
        let admin = admin.clone();
        async move {
            list_logs_as(&store, &admin, Zone::default(), query)
                .await
                .unwrap()
                .count
        }
    };
    assert_eq!(rows_at(&c.href).await, 45);
    let azure = page
        .channels
        .iter()
        .find(|ch| ch.channel == "azure-east")
        .unwrap();
    assert_eq!((azure.requests, azure.errors), (90, 45));
    assert_eq!(azure.groups, ["default", "vip"]);
    assert_eq!(rows_at(&azure.logs_href).await, 45);
    assert_eq!(rows_at(&azure.requests_href).await, 90);
    let bars: u64 = azure.series.iter().map(|b| b.2).sum();
    assert_eq!(bars, 45);
    for (_, n, href) in &azure.top_status {
        assert_eq!(rows_at(href).await, *n);
    }
    // Worst first.
    assert_eq!(page.channels[0].channel, "azure-east");

    // An alert rule fires on the call-out.
    let policy = TargetPolicy {
        allow_loopback: true,
        own: None,
    };
    let rule = RuleInput {
        name: "channels".into(),
        webhook: "http://127.0.0.1:9/hook".into(),
        format: "json".into(),
        min_errors: "40".into(),
        ..RuleInput::default()
    };
    add_rule(&store, &policy, &rule).await.unwrap();
    evaluate_all(&store, None, now_ms()).await.unwrap();
    let keys = store
        .query_texts("SELECT incident_key FROM alert_incidents")
        .await
        .unwrap();
    assert!(
        keys.iter().any(|k| k == "channel:azure-east:vip:gpt-4o"),
        "{keys:?}"
    );
}

#[tokio::test]
async fn only_admins_see_channels_or_filter_by_them() {
    let (store, _db) = common::store().await;
    plant(&store, now_ms()).await;
    for role in [Role::Support, Role::User] {
        let v = viewer(role);
        let refused = channel_health_as(
            &store,
            &v,
            Zone::default(),
            Lang::En,
            "1h",
            None,
            Latencies::Read,
        )
        .await;
        assert!(matches!(refused, Err(PageError::Access(_))), "{role:?}");
        let query = LogQuery {
            channel: Some("azure-east".into()),
            ..LogQuery::default()
        };
        let page = list_logs_as(&store, &v, Zone::default(), query)
            .await
            .unwrap();
        assert!(page.rows.is_empty(), "{role:?}");
        assert_eq!(page.errors[0].field, "channel");
    }
}

/// The query of a `/logs?…` link.
fn serde_urlencoded_query(href: &str) -> LogQuery {
    let query = href.split_once('?').map(|x| x.1).unwrap_or("");
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let mut q = LogQuery::default();
    for (k, v) in pairs {
        q.set(&k, Some(v));
    }
    q
}

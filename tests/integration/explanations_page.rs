//! The row details explain in plain words with numbers that are links: "how long has it been
//! going on" counts open exactly the rows they count; two-way answers reach the page and the
//! CSV; the list collapses a request's attempts into one row.
use axum::http::StatusCode;

use errscope::domain::filter::LogFilter;
use errscope::server::ingest::{prepare, IngestRecord};
use errscope::server::store::{Store, Visibility};
use errscope::server::time::now_ms;

use crate::common;
use common::{get_as, router, sign_in_as, store};

fn failure(ago_ms: i64, token: &str, request: &str, status: u16, content: &str) -> IngestRecord {
    IngestRecord {
        time: Some(serde_json::json!(now_ms() - ago_ms)),
        user_id: Some(if token == "tok-a" { 7 } else { 8 }),
        token_name: Some(token.into()),
        group: Some("vip".into()),
        model: Some("gpt-4o".into()),
        request_id: Some(request.into()),
        status_code: Some(status),
        content: Some(content.into()),
        ..Default::default()
    }
}

async fn insert(store: &Store, records: Vec<IngestRecord>) {
    let rows: Vec<_> = records.into_iter().map(|r| prepare(r).unwrap()).collect();
    store.insert_batch(&rows).await.unwrap();
}

/// The page without the SSR markers.
fn clean(html: &str) -> String {
    html.replace("<!>", "")
}

/// `attr="value"` of the first tag that has `marker` in it.
fn attribute_near(html: &str, marker: &str, attr: &str) -> Option<String> {
    let at = html.find(marker)?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let key = format!("{attr}=\"");
    let from = tag.find(&key)? + key.len();
    let len = tag[from..].find('"')?;
    Some(tag[from..from + len].replace("&amp;", "&"))
}

/// The text inside the element whose opening tag has `marker`.
fn text_of(html: &str, marker: &str) -> Option<String> {
    let at = html.find(marker)?;
    let open_end = at + html[at..].find('>')? + 1;
    let len = html[open_end..].find('<')?;
    Some(html[open_end..open_end + len].trim().to_string())
}

/// The href and text of the link whose text holds `marker`.
fn link_around(html: &str, marker: &str) -> Option<(String, String)> {
    let at = html.find(marker)?;
    let start = html[..at].rfind("<a ")?;
    let open_end = start + html[start..].find('>')? + 1;
    let tag = &html[start..open_end];
    let from = tag.find("href=\"")? + 6;
    let len = tag[from..].find('"')?;
    let text_len = html[open_end..].find('<')?;
    Some((
        tag[from..from + len].replace("&amp;", "&"),
        html[open_end..open_end + text_len].to_string(),
    ))
}

/// The id of the newest row a filter matches.
async fn newest(store: &Store, f: LogFilter) -> i64 {
    store.list(&f, Visibility::All).await.unwrap()[0].id
}

#[tokio::test]
async fn every_persistence_count_opens_exactly_the_rows_it_counts() {
    let (store, _dir) = store().await;
    let rpm = "Account RPM limit exceeded";
    let mut records = Vec::new();
    // tok-a: 12 failures in the last minute, 30 more over the past five days; tok-b: 4, two
    // hours ago (outside the ±10-minute scope, inside the group's day or week).
    for i in 0..12 {
        records.push(failure(i * 1_000, "tok-a", &format!("a-{i}"), 429, rpm));
    }
    for i in 0..30 {
        records.push(failure(
            (i + 1) * 4 * 3_600_000,
            "tok-a",
            &format!("a-old-{i}"),
            429,
            rpm,
        ));
    }
    for i in 0..4 {
        records.push(failure(
            7_200_000 + i * 1_500,
            "tok-b",
            &format!("b-{i}"),
            429,
            rpm,
        ));
    }
    // The same failure in another group, inside the window.
    for i in 0..3 {
        let mut r = failure(2_000 + i * 100, "tok-c", &format!("c-{i}"), 429, rpm);
        r.group = Some("default".into());
        records.push(r);
    }
    // Another failure of tok-a that is not the same failure: not counted.
    records.push(failure(500, "tok-a", "other", 401, "Invalid token"));
    insert(&store, records).await;
    let id = newest(
        &store,
        LogFilter {
            token: Some("tok-a".into()),
            status: vec![errscope::domain::status::StatusRange::exact(429)],
            ..Default::default()
        },
    )
    .await;
    let router = router(&store).await;
    let cookie = sign_in_as(&router, &store, "root", "admin", None).await;
    let (status, _, html) = get_as(&router, Some(&cookie), &format!("/logs/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let html = clean(&html);
    assert!(
        html.contains("data-testid=\"persisting\""),
        "the table is shown"
    );
    let mut checked = 0;
    for dimension in ["token", "model", "group"] {
        for span in ["today", "week"] {
            let marker = format!("data-dimension=\"{dimension}\" data-span=\"{span}\"");
            let href = attribute_near(&html, &marker, "href").expect("a link per count");
            let shown: u64 = text_of(&html, &marker).unwrap().parse().unwrap();
            let (status, _, list) = get_as(&router, Some(&cookie), &href).await;
            assert_eq!(status, StatusCode::OK, "{href}");
            let listed = text_of(&clean(&list), "data-testid=\"result-count\"").unwrap();
            let listed: u64 = listed
                .split_whitespace()
                .next()
                .unwrap()
                .parse()
                .unwrap_or_else(|_| panic!("{listed:?}"));
            assert_eq!(shown, listed, "{dimension} {span}: {href}");
            checked += 1;
        }
    }
    assert_eq!(checked, 6);
    // The impact scope's links, too: in the group, from the token, in every group.
    for (marker, expect) in [
        ("same failures in group vip</a>", 12),
        ("from this token</a>", 12),
        ("other group)</a>", 15),
    ] {
        let (href, text) = link_around(&html, marker).unwrap_or_else(|| panic!("{marker}"));
        let shown: u64 = text.split_whitespace().next().unwrap().parse().unwrap();
        assert_eq!(shown, expect, "{text}");
        let (_, _, list) = get_as(&router, Some(&cookie), &href).await;
        let listed = text_of(&clean(&list), "data-testid=\"result-count\"").unwrap();
        assert_eq!(listed, format!("{expect} results"), "{marker}: {href}");
    }
    // The plain-words reason: one token, with proper plurals and no "(s)".
    let why = html
        .find("evidence")
        .map_or("", |at| &html[at..(at + 600).min(html.len())]);
    assert!(!html.contains("(s)"), "no failure(s)");
    assert!(
        html.contains("Only this token fails this way in this group"),
        "{why}"
    );
    assert!(html.contains("data-testid=\"documented-by\""));
}

#[tokio::test]
async fn a_lone_two_way_failure_shows_the_pair_on_the_page_and_in_the_csv() {
    let (store, _dir) = store().await;
    insert(
        &store,
        vec![failure(
            0,
            "tok-a",
            "dr-1",
            500,
            "upstream error: do request failed: Post \"https://api.openai.com/v1/chat/completions\": EOF",
        )],
    )
    .await;
    let id = newest(&store, LogFilter::default()).await;
    let router = router(&store).await;
    let cookie = sign_in_as(&router, &store, "root", "admin", None).await;
    let (_, _, html) = get_as(&router, Some(&cookie), &format!("/logs/{id}")).await;
    let html = clean(&html);
    assert!(
        html.contains("data-two-way=\"upstream_or_network\""),
        "the badge"
    );
    assert!(html.contains("Upstream or network issue"));
    let why = html
        .find("evidence")
        .map_or("", |at| &html[at..(at + 600).min(html.len())]);
    assert!(
        html.contains("too few to tell an upstream issue from a platform issue"),
        "{why}"
    );
    let (_, _, list) = get_as(&router, Some(&cookie), "/logs").await;
    assert!(
        clean(&list).contains("Upstream or network issue"),
        "the list"
    );
    let (_, _, csv) = get_as(&router, Some(&cookie), "/logs.csv").await;
    assert!(csv.contains(",upstream_or_network"), "{csv}");
}

#[tokio::test]
async fn collapsing_shows_each_request_once_at_its_newest_attempt() {
    let (store, _dir) = store().await;
    let mut records = Vec::new();
    // r-1 failed on three channels; r-2, r-3 and r-4 once each.
    for (i, request) in ["r-1", "r-1", "r-1", "r-2", "r-3", "r-4"]
        .iter()
        .enumerate()
    {
        let mut r = failure(
            (10 - i as i64) * 1_000,
            "tok-a",
            request,
            502,
            "bad response status code 502",
        );
        r.attempt = Some(i as i64);
        records.push(r);
    }
    insert(&store, records).await;
    let all = LogFilter::default();
    let collapsed = LogFilter {
        collapse: true,
        ..LogFilter::default()
    };
    assert_eq!(store.count(&all, Visibility::All).await.unwrap(), 6);
    assert_eq!(store.count(&collapsed, Visibility::All).await.unwrap(), 4);
    let rows = store.list(&collapsed, Visibility::All).await.unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r.request_id.as_str()).collect();
    assert_eq!(ids.iter().filter(|r| **r == "r-1").count(), 1);
    // The newest attempt of r-1 (attempt 2) stands for it.
    let r1 = rows.iter().find(|r| r.request_id == "r-1").unwrap();
    assert_eq!(r1.attempt, 2);
    // A relay user collapses over their own rows only, and the page says how many attempts.
    let router = router(&store).await;
    let cookie = sign_in_as(&router, &store, "alice", "user", Some(7)).await;
    let (status, _, html) = get_as(&router, Some(&cookie), "/logs?collapse=1").await;
    assert_eq!(status, StatusCode::OK);
    let html = clean(&html);
    assert!(html.contains("4 results"), "4 rows for 4 requests");
    assert!(html.contains("data-testid=\"attempt-count\""));
    let (status, _, html) = get_as(&router, Some(&cookie), "/logs?collapse=maybe").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-error-for=\"collapse\""));
}

//! Channel health (admins only): per upstream channel in a Group Health window, its requests,
//! errors, error rate and change, the groups and models it serves, its top failures and a
//! chart, every number a link to its rows; and the call-outs of channels failing a group's
//! model while the group's other channels succeed.
use std::collections::BTreeMap;

use super::asker::PageError;
use super::health::{chart, latency_cell, logs_href, tops, Latencies, Window};
use crate::domain::attribution::Attribution;
use crate::domain::channels::{callouts, fold, Callout};
use crate::domain::health::Signature;
use crate::domain::lang::Lang;
use crate::domain::latency::Dimension;
use crate::server::auth::{AccessError, Viewer};
use crate::server::store::{Store, Visibility};
use crate::server::time::{now_ms, Zone};
use crate::shared::health::{ChannelHealth, ChannelPage, HealthSignal};

pub async fn channel_health(window: &str, tz: Option<&str>) -> Result<ChannelPage, PageError> {
    let a = super::asker::Asker::current(tz, None).await?;
    channel_health_as(
        &a.store,
        &a.viewer,
        a.zone,
        a.lang,
        window,
        tz,
        Latencies::Read,
    )
    .await
}

/// A chart bar: (bucket, (requests, errors)).
type Bar = (i64, (u64, u64));

/// The call-out in words, with its link (the channel's rows of that group and model).
fn sentence(c: &Callout, lang: Lang) -> String {
    let (rate, others_rate) = (
        c.rate() * 100.0,
        c.others_errors as f64 * 100.0 / c.others_requests.max(1) as f64,
    );
    let (channel, group, model, others) = (&c.channel, &c.group, &c.model, c.others);
    let cause = Attribution::Upstream.name(lang).to_lowercase();
    match lang {
        Lang::En => {
            let others = match others {
                1 => "other channel fails".to_string(),
                n => format!("{n} other channels fail"),
            };
            format!(
                "Channel {channel} fails {rate:.0}% of {model} requests in group {group} ({} of {}); \
                 the group's {others} {others_rate:.0}%: {cause}, that channel",
                c.errors, c.requests
            )
        }
        Lang::Zh => format!(
            "渠道 {channel} 在分组 {group} 中 {model} 请求失败 {rate:.0}%（{} 个中 {} 个）；\
             该分组的其他 {others} 个渠道失败 {others_rate:.0}%：{cause}，就是这个渠道",
            c.requests, c.errors
        ),
    }
}

/// Channel health over `window`, in `zone`, for an admin.
pub async fn channel_health_as(
    store: &Store,
    viewer: &Viewer,
    zone: Zone,
    lang: Lang,
    window: &str,
    tz: Option<&str>,
    latencies: Latencies,
) -> Result<ChannelPage, PageError> {
    if !viewer.role().sees_admin_fields() {
        return Err(AccessError::Forbidden.into());
    }
    let store = &store.for_reads();
    let (w, mut notices) = Window::resolve(window, lang, tz, &zone);
    notices.extend(super::freshness::lag_notice(store).await?);
    let (counts, points, messages, latencies) = tokio::try_join!(
        store.channel_counts(w.prev_from, w.from, w.to),
        store.channel_series(w.from, w.to, w.bucket_ms),
        store.signature_messages(),
        latencies.read(store, &w, Visibility::All),
    )?;
    let messages: BTreeMap<Signature, String> = messages.into_iter().collect();
    let mut by_channel: BTreeMap<&str, Vec<Bar>> = BTreeMap::new();
    for p in &points {
        by_channel
            .entry(&p.channel)
            .or_default()
            .push((p.bucket, (p.requests, p.errors)));
    }
    let rate = |e: u64, r: u64| if r == 0 { 0.0 } else { e as f64 / r as f64 };
    let mut channels: Vec<ChannelHealth> = fold(&counts)
        .into_iter()
        .filter(|(_, t)| t.requests > 0)
        .map(|(channel, t)| {
            let filters = vec![("channel", channel.clone())];
            let by_sig: BTreeMap<&Signature, u64> =
                t.failures.iter().map(|(s, n)| (s, *n)).collect();
            let (top_status, top_messages) =
                tops(&by_sig, &filters, &zone, (w.from, w.to), &messages, lang);
            let series = chart(
                by_channel.remove(channel.as_str()).unwrap_or_default(),
                &w,
                &zone,
                &filters,
            );
            let mut all = filters.clone();
            all.push(("type", "all".into()));
            ChannelHealth {
                requests: t.requests,
                errors: t.errors,
                rate: rate(t.errors, t.requests),
                prev_rate: (t.prev_requests > 0).then(|| rate(t.prev_errors, t.prev_requests)),
                groups: t.groups.into_iter().collect(),
                models: t.models.into_iter().collect(),
                top_status,
                top_messages,
                series,
                logs_href: logs_href(&zone, w.from, w.to, &filters),
                requests_href: logs_href(&zone, w.from, w.to, &all),
                latency: latency_cell(
                    &latencies,
                    Dimension::Channel,
                    &channel,
                    &zone,
                    (w.from, w.to),
                    &filters,
                ),
                channel,
            }
        })
        .collect();
    channels.sort_by(|a, b| b.rate.total_cmp(&a.rate).then(b.errors.cmp(&a.errors)));
    let callouts = callouts(&counts)
        .into_iter()
        .map(|c| HealthSignal {
            key: format!("channel:{}:{}:{}", c.channel, c.group, c.model),
            groups: vec![c.group.clone()],
            count: c.errors,
            failure: String::new(),
            sentence: sentence(&c, lang),
            attribution: Attribution::Upstream,
            href: logs_href(
                &zone,
                w.from,
                w.to,
                &[
                    ("channel", c.channel.clone()),
                    ("group", c.group.clone()),
                    ("model", c.model.clone()),
                ],
            ),
        })
        .collect();
    Ok(ChannelPage {
        window: w.name.to_string(),
        window_label: crate::domain::health::window_label(w.name, lang),
        notices,
        bucket_minutes: w.bucket_minutes,
        zone: zone.label(now_ms()),
        channels,
        callouts,
    })
}

//! What the account and admin pages receive, times in the viewer's zone, secrets left out.
//! Each read checks the viewer's role in the layer it calls.
use super::asker::{store, viewer_zone};
use crate::server::alerts::target::shown;
use crate::server::auth::{AdminError, Viewer};
use crate::server::time::now_ms;
use crate::shared::admin::{
    AlertRuleLine, AlertsPage, AuditLine, DeliveryLine, KeyLine, OwnSettings, RetentionPage,
    SourceLine,
};

/// The signed-in account's own settings and the zones it may pick from.
pub async fn own_settings() -> Result<OwnSettings, AdminError> {
    let viewer = Viewer::current()?;
    let zone = viewer_zone(None).await;
    Ok(OwnSettings {
        account: viewer.account,
        zone_in_use: zone.label(now_ms()),
        zones: chrono_tz::TZ_VARIANTS
            .iter()
            .map(|z| z.name().to_string())
            .collect(),
    })
}

/// Every API key (admins only), never the key itself.
pub async fn key_lines(tz: Option<&str>) -> Result<Vec<KeyLine>, AdminError> {
    let store = store()?;
    let zone = viewer_zone(tz).await;
    let keys = crate::server::auth::ingest_keys::list(&store).await?;
    Ok(keys
        .into_iter()
        .map(|k| KeyLine {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            scope: k.scope,
            relay_user_id: k.relay_user_id,
            created: zone.format_ms(k.created_ms),
            revoked: k.revoked_ms.map(|ms| zone.format_ms(ms)),
        })
        .collect())
}

/// Alert rules (webhooks by host only, never a secret) and the newest deliveries.
pub async fn alerts_page(tz: Option<&str>) -> Result<AlertsPage, AdminError> {
    use crate::server::alerts::admin;
    let store = store()?;
    let zone = viewer_zone(tz).await;
    let rules = admin::list(&store).await?;
    let deliveries = admin::deliveries(&store).await?;
    Ok(AlertsPage {
        rules: rules
            .into_iter()
            .map(|r| AlertRuleLine {
                id: r.id,
                target: shown(&r.webhook),
                signed: r.secret.is_some(),
                name: r.name,
                format: r.format,
                window: r.window,
                min_errors: r.min_errors,
                min_rate_pct: r.min_rate_pct,
                group: r.group,
                notify_resolved: r.notify_resolved,
                cooldown_minutes: r.cooldown_minutes,
            })
            .collect(),
        deliveries: deliveries
            .into_iter()
            .map(|d| DeliveryLine {
                id: d.id,
                time: zone.format_ms(d.last_ms.unwrap_or(d.created_ms)),
                rule: d.rule_name,
                incident: d.incident_key,
                event: d.event,
                state: d.state,
                attempts: d.attempts,
                answer: d.answer,
            })
            .collect(),
    })
}

/// Every followed new-api database, never its URL's credentials.
pub async fn source_lines(tz: Option<&str>) -> Result<Vec<SourceLine>, AdminError> {
    let store = store()?;
    let zone = viewer_zone(tz).await;
    let now = now_ms();
    let sources = crate::server::sync::admin::list(&store).await?;
    Ok(sources
        .into_iter()
        .map(|s| SourceLine {
            id: s.id,
            error_logs_off: crate::domain::sync::error_logs_look_off(
                s.newest_consume_ms,
                s.newest_error_ms,
                now,
            ),
            name: s.name,
            from_flag: s.from_flag,
            paused: s.paused,
            imported: s.imported,
            rejected: s.rejected,
            skipped: s.skipped,
            pending: s.pending,
            last_id: s.last_id,
            last_row: s.last_row_ms.map(|ms| zone.format_ms(ms)),
            last_poll: s.last_poll_ms.map(|ms| zone.format_ms(ms)),
            last_error: s.last_error,
        })
        .collect())
}

/// The newest support and admin lookups of other users' requests.
pub async fn audit_lines(tz: Option<&str>) -> Result<Vec<AuditLine>, AdminError> {
    let store = store()?;
    let zone = viewer_zone(tz).await;
    let lookups = crate::server::auth::audit::recent(&store, 500).await?;
    Ok(lookups
        .into_iter()
        .map(|lookup| AuditLine {
            time: zone.format_ms(lookup.ts_ms),
            lookup,
        })
        .collect())
}

/// Each log type's retention and the latest purges.
pub async fn retention_page(tz: Option<&str>) -> Result<RetentionPage, AdminError> {
    let store = store()?;
    let zone = viewer_zone(tz).await;
    let (rules, purges) = crate::server::retention::status(&store).await?;
    Ok(RetentionPage {
        rules,
        purges: purges
            .into_iter()
            .map(|p| (zone.format_ms(p.finished_ms), p))
            .collect(),
    })
}

//! `errscope alert add|list|remove|test`, for unattended installs.
use super::admin::{add_rule, send_test};
use super::target::{shown, TargetPolicy};
use crate::domain::alert::RuleInput;
use crate::server::cli::{AlertCommand, AlertTargetArgs};
use crate::server::store::Store;

fn policy(target: &AlertTargetArgs) -> TargetPolicy {
    TargetPolicy {
        allow_loopback: target.alert_allow_loopback,
        own: None,
    }
}

pub async fn run(
    store: &Store,
    cmd: AlertCommand,
    public_url: Option<&str>,
) -> Result<(), Box<dyn std::error::Error>> {
    match cmd {
        AlertCommand::Add {
            name,
            webhook,
            format,
            secret,
            window,
            min_errors,
            min_rate,
            group,
            notify_resolved,
            cooldown_minutes,
            lang,
            tz,
            target,
        } => {
            let input = RuleInput {
                name,
                webhook,
                format,
                secret,
                window,
                min_errors: min_errors.to_string(),
                min_rate_pct: min_rate.map(|p| p.to_string()).unwrap_or_default(),
                group: group.unwrap_or_default(),
                notify_resolved,
                cooldown_minutes: cooldown_minutes.to_string(),
                lang,
                time_zone: tz,
            };
            let rule = add_rule(store, &policy(&target), &input).await?;
            println!(
                "added alert rule {} {} ({} to {})",
                rule.id,
                rule.name,
                rule.format.as_str(),
                shown(&rule.webhook)
            );
        }
        AlertCommand::List => {
            for r in store.alert_rules().await? {
                let rate = r
                    .min_rate_pct
                    .map(|p| format!(" rate>={p}%"))
                    .unwrap_or_default();
                let group = r
                    .group
                    .as_deref()
                    .map(|g| format!(" group={g}"))
                    .unwrap_or_default();
                println!(
                    "{}\t{}\t{}\t{}\twindow={} errors>={}{rate}{group}",
                    r.id,
                    r.name,
                    r.format.as_str(),
                    shown(&r.webhook),
                    r.window,
                    r.min_errors
                );
            }
        }
        AlertCommand::Remove { rule } => {
            let r = store
                .alert_rule(&rule)
                .await?
                .ok_or_else(|| format!("no alert rule {rule:?}"))?;
            store.remove_alert_rule(r.id).await?;
            println!("removed alert rule {} {}", r.id, r.name);
        }
        AlertCommand::Test { rule, target } => {
            let r = store
                .alert_rule(&rule)
                .await?
                .ok_or_else(|| format!("no alert rule {rule:?}"))?;
            let answer = send_test(store, &policy(&target), public_url, &r).await?;
            println!("{}", answer.text);
            if !answer.accepted {
                return Err("the webhook did not accept the test message".into());
            }
        }
    }
    Ok(())
}

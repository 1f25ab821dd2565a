//! `POST /login` and `POST /logout`: plain forms, so signing in works without JavaScript.
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use serde::Deserialize;
use tower_sessions::Session;

use super::accounts::valid_username;
use super::audit::record_failed_sign_in;
use super::password;
use super::session::{safe_next, sign_in, SessionAuth};
use crate::domain::filter::url_encode;
use crate::server::http::client::Client;
use crate::server::http::lang::lang_cookie;
use crate::server::store::{AccountChange, Store};

/// Sign-in attempts allowed per account name from one address, per address, and per account
/// name from everywhere. Behind a proxy, the address is the client's (see `client::Network`):
/// wrong passwords from one client slow that client down, not everyone else.
#[derive(Clone)]
pub struct LoginLimits {
    per_account_address: Arc<DefaultKeyedRateLimiter<(String, Option<IpAddr>)>>,
    per_address: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    per_account: Arc<DefaultKeyedRateLimiter<String>>,
}

impl Default for LoginLimits {
    fn default() -> Self {
        let quota = |every_secs, burst| {
            Quota::with_period(Duration::from_secs(every_secs))
                .unwrap_or_else(|| Quota::per_minute(NonZeroU32::MIN))
                .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
        };
        LoginLimits {
            // 5 tries at once, then one every 12 s, per account and address...
            per_account_address: Arc::new(DefaultKeyedRateLimiter::keyed(quota(12, 5))),
            // ...20 at once, then one every 3 s, per client address...
            per_address: Arc::new(DefaultKeyedRateLimiter::keyed(quota(3, 20))),
            // ...and, against guessing from many addresses, 100 at once, then one every 2 s,
            // per account.
            per_account: Arc::new(DefaultKeyedRateLimiter::keyed(quota(2, 100))),
        }
    }
}

/// Keys each limiter holds before it forgets those whose limit has run out.
const MAX_KEYS: usize = 10_000;

impl LoginLimits {
    /// Seconds to wait before the next attempt, or None when one may be made now. Only a
    /// name that could be an account's is a key of the per-account limiters (anything else is
    /// refused without one), and the limiters forget spent keys once they hold many, so
    /// anonymous attempts cannot grow them without bound.
    pub fn wait(&self, username: &str, addr: Option<IpAddr>) -> Option<u64> {
        self.prune();
        let now = DefaultClock::default().now();
        let address = addr
            .and_then(|a| self.per_address.check_key(&a).err())
            .map(|n| n.wait_time_from(now));
        let username = username.trim();
        let name = (address.is_none() && valid_username(username)).then(|| username.to_lowercase());
        let pair = name
            .clone()
            .and_then(|n| self.per_account_address.check_key(&(n, addr)).err())
            .map(|n| n.wait_time_from(now));
        let account = name
            .filter(|_| pair.is_none())
            .and_then(|n| self.per_account.check_key(&n).err())
            .map(|n| n.wait_time_from(now));
        [address, pair, account]
            .into_iter()
            .flatten()
            .max()
            .map(|d| d.as_secs().max(1))
    }

    fn prune(&self) {
        if self.per_account_address.len() > MAX_KEYS {
            self.per_account_address.retain_recent();
            self.per_account_address.shrink_to_fit();
        }
        if self.per_address.len() > MAX_KEYS {
            self.per_address.retain_recent();
            self.per_address.shrink_to_fit();
        }
        if self.per_account.len() > MAX_KEYS {
            self.per_account.retain_recent();
            self.per_account.shrink_to_fit();
        }
    }

    /// Keys held (for the tests).
    #[doc(hidden)]
    pub fn keys_held(&self) -> usize {
        self.per_account_address.len() + self.per_address.len() + self.per_account.len()
    }
}

#[derive(Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn back_to_login(error: &str, next: &str) -> String {
    format!("/login?error={error}&next={}", url_encode(safe_next(next)))
}

pub async fn login(
    State(store): State<Store>,
    State(limits): State<LoginLimits>,
    client: Option<Extension<Client>>,
    session: Session,
    Form(form): Form<LoginForm>,
) -> Response {
    let client = client.map(|c| c.0).unwrap_or_default();
    if let Some(secs) = limits.wait(&form.username, client.ip) {
        let to = format!(
            "{}&retry_after={secs}",
            back_to_login("rate_limited", &form.next)
        );
        let mut r = Redirect::to(&to).into_response();
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        return r;
    }
    if !valid_username(form.username.trim()) {
        return Redirect::to(&back_to_login("invalid", &form.next)).into_response();
    }
    let stored = match store.account_by_username(form.username.trim()).await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("sign-in lookup failed: {e}");
            return Redirect::to(&back_to_login("unavailable", &form.next)).into_response();
        }
    };
    let hash = stored
        .as_ref()
        .map(|s| s.password_hash.clone())
        .unwrap_or_else(|| password::decoy().to_string());
    let pw = form.password.clone();
    // argon2 takes tens of milliseconds of CPU: keep it off the async workers.
    let matches = tokio::task::spawn_blocking(move || password::verify(&pw, &hash))
        .await
        .unwrap_or(false);
    let account = match stored {
        Some(s) if matches && !s.account.disabled => s,
        Some(s) if matches && s.account.disabled => {
            return Redirect::to(&back_to_login("disabled", &form.next)).into_response()
        }
        _ => {
            let name = form.username.trim();
            if let Err(e) = record_failed_sign_in(&store, name, &client.address()).await {
                tracing::error!("audit of a failed sign-in: {e}");
            }
            return Redirect::to(&back_to_login("invalid", &form.next)).into_response();
        }
    };
    let auth = SessionAuth::starting_now(account.account.id, account.session_epoch);
    if let Err(e) = sign_in(&session, auth).await {
        tracing::error!("could not start a session: {e}");
        return Redirect::to(&back_to_login("unavailable", &form.next)).into_response();
    }
    tracing::info!(username = %account.account.username, "signed in");
    let mut response = Redirect::to(safe_next(&form.next)).into_response();
    // The account's language follows it to a new browser.
    if let Some(value) = account
        .account
        .lang
        .and_then(|l| HeaderValue::from_str(&lang_cookie(l)).ok())
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[derive(Deserialize, Default)]
pub struct LogoutForm {
    /// "1": end every session of this account, on every device.
    #[serde(default)]
    everywhere: String,
}

pub async fn logout(
    State(store): State<Store>,
    session: Session,
    Form(form): Form<LogoutForm>,
) -> Response {
    if form.everywhere == "1" {
        if let Ok(Some(auth)) = session.get::<SessionAuth>(super::session::KEY).await {
            if let Err(e) = store
                .change_account(auth.account_id, &AccountChange::SignOutEverywhere)
                .await
            {
                tracing::error!("sign out everywhere failed: {e}");
            }
        }
    }
    let _ = session.flush().await;
    Redirect::to("/login?signed_out=1").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_cannot_be_accounts_never_become_limiter_keys() {
        let limits = LoginLimits::default();
        let huge = "x".repeat(1_000_000);
        for i in 0..200 {
            assert_eq!(limits.wait(&format!("{huge}{i}"), None), None);
            assert_eq!(limits.wait(&format!("bad name\u{0}{i}"), None), None);
        }
        assert_eq!(limits.keys_held(), 0);
        // A real name is limited after five tries.
        for _ in 0..5 {
            assert_eq!(limits.wait("alice", None), None);
        }
        assert!(limits.wait("Alice", None).is_some());
        assert_eq!(
            limits.keys_held(),
            2,
            "the name, and the name from no address"
        );
    }

    #[test]
    fn a_limited_address_adds_no_account_keys() {
        let limits = LoginLimits::default();
        let addr = Some(IpAddr::from([203, 0, 113, 9]));
        for i in 0..20 {
            assert_eq!(limits.wait(&format!("user{i}"), addr), None);
        }
        for i in 20..500 {
            assert!(limits.wait(&format!("user{i}"), addr).is_some());
        }
        assert_eq!(limits.keys_held(), 41, "20 names, 20 pairs and one address");
    }

    #[test]
    fn wrong_passwords_from_one_client_do_not_lock_the_account_for_others() {
        let limits = LoginLimits::default();
        let (attacker, admin) = (
            Some(IpAddr::from([198, 51, 100, 66])),
            Some(IpAddr::from([192, 0, 2, 10])),
        );
        for _ in 0..5 {
            assert_eq!(limits.wait("admin", attacker), None);
        }
        assert!(limits.wait("admin", attacker).is_some());
        assert_eq!(limits.wait("admin", admin), None);
    }
}

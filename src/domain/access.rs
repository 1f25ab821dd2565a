//! Who may see what. The store enforces it (every read takes a `Visibility`); this names the
//! roles and the rules so the UI can show only what a role may use.
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Sees the logs of the relay user id their account is mapped to, nothing else.
    User,
    /// Reads every log (request-ID lookups across users); no admin-only fields, no changes.
    Support,
    /// Everything, plus accounts, ingest keys and retention.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::User, Role::Support, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Support => "support",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// Rows of every relay user (support and admin).
    pub fn sees_every_user(self) -> bool {
        self != Role::User
    }

    /// Upstream channel, retry chain and client IP.
    pub fn sees_admin_fields(self) -> bool {
        self == Role::Admin
    }

    pub fn manages_accounts(self) -> bool {
        self == Role::Admin
    }
}

/// What an API key may do: push logs (`ingest`) or read them (`read`, as support staff would,
/// or as one relay user when the key is limited to one). Both may call `explain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyScope {
    Ingest,
    Read,
}

impl KeyScope {
    pub const ALL: [KeyScope; 2] = [KeyScope::Ingest, KeyScope::Read];

    pub fn as_str(self) -> &'static str {
        match self {
            KeyScope::Ingest => "ingest",
            KeyScope::Read => "read",
        }
    }

    pub fn parse(s: &str) -> Option<KeyScope> {
        KeyScope::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The signed-in account, as the UI sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub role: Role,
    /// The relay's user id this account owns (role `user`).
    pub relay_user_id: Option<i64>,
    pub disabled: bool,
    /// The console language the account picked (None: the browser's).
    pub lang: Option<crate::domain::lang::Lang>,
    /// The IANA time zone the account picked (None: the browser's).
    pub time_zone: Option<String>,
    /// The colour theme the account picked (None: the system's).
    pub theme: Option<crate::domain::prefs::Theme>,
}

/// One audited event, as the audit page lists it: a support or admin read of another user's
/// request, an export by support or an admin, or a failed sign-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lookup {
    pub ts_ms: i64,
    pub username: String,
    pub role: Role,
    pub log_id: i64,
    pub request_id: String,
    /// Whose request it was.
    pub relay_user_id: i64,
    /// How it was reached: the details page, a request-id search, an export.
    pub how: LookupKind,
    /// An export's filter and row count; a failed sign-in's client address.
    pub detail: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LookupKind {
    Details,
    RequestIdSearch,
    Export,
    FailedSignIn,
}

impl LookupKind {
    pub const ALL: [LookupKind; 4] = [
        LookupKind::Details,
        LookupKind::RequestIdSearch,
        LookupKind::Export,
        LookupKind::FailedSignIn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LookupKind::Details => "details",
            LookupKind::RequestIdSearch => "request_id_search",
            LookupKind::Export => "export",
            LookupKind::FailedSignIn => "failed_sign_in",
        }
    }

    pub fn parse(s: &str) -> Option<LookupKind> {
        LookupKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The sign-in page, coming back to `next` (a path with its query) once signed in.
pub fn sign_in_href(next: &str) -> String {
    format!(
        "/login?next={}",
        crate::domain::filter::url_encode(&without_form_failure(next))
    )
}

/// The page without the failure of a form sent from it that the address carries (server
/// functions send a plain form's failure back as `__path` and `__err`): after signing in
/// again, the page is shown as it was, not the failure.
fn without_form_failure(page: &str) -> String {
    let Some((path, query)) = page.split_once('?') else {
        return page.to_string();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            key != "__path" && key != "__err"
        })
        .collect();
    if kept.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_comes_back_to_the_page_with_its_query() {
        assert_eq!(
            sign_in_href("/logs?status=502"),
            "/login?next=%2Flogs%3Fstatus%3D502"
        );
    }

    #[test]
    fn sign_in_comes_back_without_a_failed_form_s_answer() {
        assert_eq!(
            sign_in_href("/admin/retention?__path=%2Fapi%2Fset_retention&__err=eyJr"),
            "/login?next=%2Fadmin%2Fretention"
        );
        assert_eq!(
            sign_in_href("/logs?tz=UTC&__path=x&__err=y"),
            "/login?next=%2Flogs%3Ftz%3DUTC"
        );
    }

    #[test]
    fn roles_round_trip_and_only_admins_see_admin_fields() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(!Role::User.sees_every_user());
        assert!(Role::Support.sees_every_user() && !Role::Support.sees_admin_fields());
        assert!(Role::Admin.sees_admin_fields() && Role::Admin.manages_accounts());
        assert!(!Role::Support.manages_accounts());
    }
}

//! Who is looking: the signed-in account that `session::resolve_viewer` put on the request.
//! Every page and server function starts here; the store only takes what it derives.
use crate::domain::access::{Account, Role};
use crate::domain::filter::{FieldError, FieldProblem, LogFilter};
use crate::domain::log::LogRow;
use crate::server::store::Visibility;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub account: Account,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AccessError {
    #[error("sign in to see this")]
    SignedOut,
    #[error("your role may not do this")]
    Forbidden,
}

impl Viewer {
    pub fn role(&self) -> Role {
        self.account.role
    }

    /// The viewer of the current request (server functions and server rendering).
    pub fn current() -> Result<Viewer, AccessError> {
        leptos::prelude::use_context::<axum::http::request::Parts>()
            .and_then(|p| p.extensions.get::<Viewer>().cloned())
            .ok_or(AccessError::SignedOut)
    }

    /// The current viewer if their role allows `check`.
    pub fn current_with(check: fn(Role) -> bool) -> Result<Viewer, AccessError> {
        let v = Viewer::current()?;
        if check(v.role()) {
            Ok(v)
        } else {
            Err(AccessError::Forbidden)
        }
    }

    /// errscope itself, reading as an admin for work nobody asked for in a request (alerts).
    pub fn system() -> Viewer {
        Viewer {
            account: Account {
                id: 0,
                username: "errscope".into(),
                role: Role::Admin,
                relay_user_id: None,
                disabled: false,
                lang: None,
                time_zone: None,
                theme: None,
            },
        }
    }

    pub fn visibility(&self) -> Visibility {
        if self.role().sees_every_user() {
            Visibility::All
        } else {
            // A user account not mapped to a relay user yet sees nothing (ids are positive).
            Visibility::User(self.account.relay_user_id.unwrap_or(-1))
        }
    }

    /// Refuses the filters on admin-only fields (the channel) to everyone but admins.
    pub fn check_filter(&self, filter: &mut LogFilter) -> Option<FieldError> {
        if self.role().sees_admin_fields() || filter.channel.take().is_none() {
            return None;
        }
        Some(FieldError {
            field: "channel".into(),
            problem: FieldProblem::AdminOnly,
        })
    }

    /// Hides upstream channel, retry chain and client IP from everyone but admins.
    pub fn redact(&self, row: &mut LogRow) {
        if !self.role().sees_admin_fields() {
            row.channel = None;
            row.retries = None;
            row.client_ip = None;
        }
    }
}

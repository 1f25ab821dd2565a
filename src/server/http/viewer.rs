//! Who is looking. Sign-in and roles are not built yet (issue 6): until then every request is
//! served as the admin of a local console, and this is the one place that decides it.
use crate::server::store::Visibility;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    User,
    Support,
    Admin,
}

#[derive(Clone, Copy, Debug)]
pub struct Viewer {
    pub role: Role,
    pub relay_user_id: Option<i64>,
}

impl Viewer {
    pub fn current() -> Viewer {
        Viewer {
            role: Role::Admin,
            relay_user_id: None,
        }
    }

    pub fn visibility(&self) -> Visibility {
        match (self.role, self.relay_user_id) {
            (Role::User, Some(id)) => Visibility::User(id),
            (Role::User, None) => Visibility::User(-1),
            _ => Visibility::All,
        }
    }

    /// Hides upstream channel, retry chain and client IP from everyone but admins.
    pub fn redact(&self, row: &mut crate::domain::log::LogRow) {
        if self.role != Role::Admin {
            row.channel = None;
            row.retries = None;
            row.client_ip = None;
        }
    }
}

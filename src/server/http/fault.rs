//! What a server function answers when it fails: one kind per way it can fail, the HTTP status
//! that says it, and a plain message in the viewer's language. Database and parser text never
//! reach the browser: they are logged with an error id, and the message gives the id.

use crate::domain::lang::Lang;
use crate::domain::refusal::Refusal;
use crate::server::auth::accounts::AccountError;
use crate::server::auth::viewer::AccessError;
use crate::server::auth::AdminError;
use crate::server::store::StoreError;
use crate::server::views::asker::PageError;
use crate::shared::failure::{Failure, FailureKind};

/// How a request failed, as the browser may learn it.
#[derive(Debug)]
pub enum Fault {
    SignedOut,
    Forbidden,
    /// The input was refused, for this reason.
    Invalid(Refusal),
    /// The server failed; the text is for the log only.
    Unavailable(String),
}

impl From<AccessError> for Fault {
    fn from(e: AccessError) -> Fault {
        match e {
            AccessError::SignedOut => Fault::SignedOut,
            AccessError::Forbidden => Fault::Forbidden,
        }
    }
}

impl From<StoreError> for Fault {
    fn from(e: StoreError) -> Fault {
        match e {
            StoreError::Conflict(why) => Fault::Invalid(why),
            other => Fault::Unavailable(other.to_string()),
        }
    }
}

impl From<PageError> for Fault {
    fn from(e: PageError) -> Fault {
        match e {
            PageError::Access(a) => a.into(),
            PageError::Store(s) => s.into(),
        }
    }
}

impl From<AdminError> for Fault {
    fn from(e: AdminError) -> Fault {
        match e {
            AdminError::Access(a) => a.into(),
            AdminError::Store(s) => s.into(),
            AdminError::Invalid(why) => Fault::Invalid(why),
        }
    }
}

impl From<AccountError> for Fault {
    fn from(e: AccountError) -> Fault {
        match e {
            AccountError::Access(a) => a.into(),
            AccountError::Store(s) => s.into(),
            AccountError::Invalid(why) => Fault::Invalid(why),
            AccountError::Unavailable(why) => Fault::Unavailable(why),
        }
    }
}

impl Fault {
    pub fn kind(&self) -> FailureKind {
        match self {
            Fault::SignedOut => FailureKind::SignedOut,
            Fault::Forbidden => FailureKind::Forbidden,
            Fault::Invalid(_) => FailureKind::Invalid,
            Fault::Unavailable(_) => FailureKind::Unavailable,
        }
    }

    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            Fault::SignedOut => StatusCode::UNAUTHORIZED,
            Fault::Forbidden => StatusCode::FORBIDDEN,
            Fault::Invalid(_) => StatusCode::BAD_REQUEST,
            Fault::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The message for the browser; a server failure is logged here under a fresh id.
    pub fn message(self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Fault::SignedOut if zh => "请先登录。".into(),
            Fault::SignedOut => "sign in to see this".into(),
            Fault::Forbidden if zh => "你的角色不能执行此操作。".into(),
            Fault::Forbidden => "your role may not do this".into(),
            Fault::Invalid(why) => why.text(lang),
            Fault::Unavailable(detail) => {
                let id = error_id();
                tracing::error!(error_id = %id, "{detail}");
                if zh {
                    format!("服务器暂时无法完成请求（错误编号 {id}）。请稍后重试；若持续失败，请把编号告诉管理员。")
                } else {
                    format!("The server could not answer (error id {id}). Try again shortly; if it keeps failing, give the id to your administrator.")
                }
            }
        }
    }
}

/// A short random id that ties a message to its log line.
pub fn error_id() -> String {
    format!("{:08x}", rand::random::<u32>())
}

/// A failure as a server function's error: the status set on the response, the kind, and
/// the message in the page's language.
pub fn fail(e: impl Into<Fault>) -> Failure {
    let fault = e.into();
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(fault.status());
    }
    let kind = fault.kind();
    Failure::new(
        kind,
        fault.message(crate::server::views::asker::viewer_lang(None)),
    )
}

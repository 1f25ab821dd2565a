//! What is wrong with one field of the Usage Logs filter, as data: the browser shows it in the
//! viewer's language, plain-text answers (the CSV export) use the English `Display`.
use serde::{Deserialize, Serialize};

use super::status::StatusParseError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub problem: FieldProblem,
}

impl FieldError {
    /// A problem that stops the list: everything but a stale page position, after which the
    /// first page is still the answer to the filters.
    pub fn blocks_results(&self) -> bool {
        self.problem != FieldProblem::BadCursor
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum FieldProblem {
    #[error("unknown log type “{0}”: use error or all")]
    UnknownLogType(String),
    #[error("too long: at most {0} characters")]
    TooLong(usize),
    #[error(transparent)]
    Status(#[from] StatusParseError),
    #[error("unknown attribution “{0}”: use usage, upstream, platform or needs_context")]
    UnknownAttribution(String),
    #[error("“{0}” is not a user id: use the relay's numeric user id")]
    NotUserId(String),
    #[error("“{0}” is not a date and time: use YYYY-MM-DD HH:MM")]
    NotDateTime(String),
    #[error("the end of the time range is before its start")]
    EndBeforeStart,
    #[error("unknown time range “{0}”")]
    UnknownRange(String),
    #[error("the page position is invalid; showing the first page")]
    BadCursor,
    #[error("page size must be 20, 50 or 100")]
    BadPageSize,
    #[error("contains control characters: type the text without them")]
    ControlCharacters,
    #[error("one row per request is turned on with 1")]
    BadCollapse,
    #[error("a request ID has no spaces inside: paste it without them")]
    SpaceInside,
    #[error("only admins filter by this")]
    AdminOnly,
    #[error("“{0}” is not a duration: use whole milliseconds from 1 to 3600000, such as 3000")]
    NotMilliseconds(String),
    #[error("unknown order “{0}”: use latency, or leave it out for newest first")]
    UnknownSort(String),
}

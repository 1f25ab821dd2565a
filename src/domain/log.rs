use serde::{Deserialize, Serialize};

use super::attribution::Attribution;

/// new-api's log types that errscope keeps: error rows (type 5) and consume rows (type 2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum LogType {
    #[default]
    Error,
    Consume,
}

impl LogType {
    pub fn as_i64(self) -> i64 {
        match self {
            LogType::Error => 5,
            LogType::Consume => 2,
        }
    }

    pub fn from_i64(v: i64) -> Option<LogType> {
        match v {
            5 => Some(LogType::Error),
            2 => Some(LogType::Consume),
            _ => None,
        }
    }

    pub fn parse(s: &str) -> Option<LogType> {
        match s.trim().to_ascii_lowercase().as_str() {
            "error" | "5" => Some(LogType::Error),
            "consume" | "2" => Some(LogType::Consume),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LogType::Error => "error",
            LogType::Consume => "consume",
        }
    }
}

/// One log row as the console shows it. Admin-only fields are `None` for other viewers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LogRow {
    pub id: i64,
    pub ts_ms: i64,
    pub log_type: LogType,
    pub user_id: i64,
    pub username: String,
    pub token_name: String,
    pub group: String,
    pub model: String,
    pub request_id: String,
    /// Retry attempt of the request (0 for the first); (request_id, attempt) is unique.
    pub attempt: i64,
    pub upstream_request_id: Option<String>,
    pub status_code: Option<u16>,
    pub error_code: Option<String>,
    pub error_type: Option<String>,
    pub content: String,
    pub latency_ms: Option<i64>,
    pub is_stream: bool,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub quota: i64,
    /// The catalogue's base attribution, stored at ingest.
    pub attribution: Option<Attribution>,
    pub entry_id: Option<String>,
    /// Admin-only: upstream channel, retry chain, client IP.
    pub channel: Option<String>,
    pub retries: Option<String>,
    pub client_ip: Option<String>,
}

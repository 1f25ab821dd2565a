//! How a server function failed, as the browser learns it: a kind the page acts on (a
//! signed-out viewer gets a sign-in link) and a message already in the page language. What
//! went wrong inside stays in the server log, under the error id the message gives.
use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    SignedOut,
    Forbidden,
    /// The input was refused; the message says why.
    Invalid,
    /// The server, or the way to it, failed.
    Unavailable,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    pub kind: FailureKind,
    /// Empty when the browser never reached the server: the page words it.
    pub message: String,
}

impl Failure {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
        }
    }
}

impl FromServerFnError for Failure {
    type Encoder = JsonEncoding;

    /// Leptos' own failures: arguments the server could not read are the caller's fault;
    /// anything else (the network, an answer the browser could not read) is unavailability,
    /// without its text, which can hold server detail.
    fn from_server_fn_error(e: ServerFnErrorErr) -> Failure {
        match e {
            ServerFnErrorErr::Args(why)
            | ServerFnErrorErr::MissingArg(why)
            | ServerFnErrorErr::Deserialization(why) => Failure::new(
                FailureKind::Invalid,
                crate::domain::mask::sanitize_field(&why),
            ),
            _ => Failure::new(FailureKind::Unavailable, ""),
        }
    }
}

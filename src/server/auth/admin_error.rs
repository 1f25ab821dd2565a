//! What an admin action on the store answers when it fails: not allowed, the database failed,
//! or the input was refused (the message says why).
use super::viewer::AccessError;
use crate::domain::refusal::Refusal;
use crate::server::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Invalid(#[from] Refusal),
}

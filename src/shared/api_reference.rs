//! The API reference page's data: the `/api/v1` operations as the OpenAPI document lists them.
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiOperation {
    pub method: String,
    pub path: String,
    pub tag: String,
    pub summary: String,
    pub description: String,
    pub params: Vec<ApiParam>,
    /// The request body's schema name, when the operation takes one.
    pub body: Option<String>,
    pub responses: Vec<ApiAnswer>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiParam {
    pub name: String,
    /// `query` or `path`.
    pub location: String,
    pub required: bool,
    pub description: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiAnswer {
    pub status: String,
    pub description: String,
    /// The body's schema name.
    pub schema: Option<String>,
}

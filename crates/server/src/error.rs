//! API errors: a status code and a JSON body `{"error": "..."}` that says what was wrong.

use ambit_store::StoreError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// An error answered to an API client.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed or its content invalid (400).
    #[error("{0}")]
    BadRequest(String),
    /// The content is well-formed but cannot be accepted as is (422), with details.
    #[error("{message}")]
    Unprocessable {
        /// What is wrong, in one line.
        message: String,
        /// Structured details (an import report, the problems found).
        details: serde_json::Value,
    },
    /// The thing asked for does not exist (404).
    #[error("{0}")]
    NotFound(String),
    /// Too much work in progress; try again later (429).
    #[error("{0}")]
    Busy(String),
    /// A store error (status from its kind).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something failed on the server's side (500).
    #[error("{0}")]
    Internal(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = match &self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Busy(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Store(StoreError::NotFound { .. }) => StatusCode::NOT_FOUND,
            ApiError::Store(StoreError::Conflict { .. } | StoreError::NameTaken { .. }) => {
                StatusCode::CONFLICT
            }
            ApiError::Store(StoreError::BadName { .. }) => StatusCode::BAD_REQUEST,
            ApiError::Store(_) | ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let body = match &self {
            ApiError::Unprocessable { message, details } => {
                json!({ "error": message, "details": details })
            }
            ApiError::Store(StoreError::Conflict { actual, .. }) => {
                json!({ "error": self.to_string(), "current_version": actual })
            }
            other => json!({ "error": other.to_string() }),
        };
        (status, Json(body)).into_response()
    }
}

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
    /// The request's body or query could not be read as the endpoint expects (syntax, shape,
    /// content type), with the status the extractor chose (400, 415 or 422).
    #[error("{message}")]
    Rejected {
        /// 400 (syntax), 415 (not JSON) or 422 (well-formed but of the wrong shape).
        status: StatusCode,
        /// What is wrong, as the decoder says it (names the field and the position).
        message: String,
    },
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
            ApiError::Rejected { status, .. } => *status,
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

impl From<axum::extract::rejection::JsonRejection> for ApiError {
    fn from(r: axum::extract::rejection::JsonRejection) -> Self {
        ApiError::Rejected {
            status: r.status(),
            message: format!("request body refused: {}", r.body_text()),
        }
    }
}

impl From<axum::extract::rejection::QueryRejection> for ApiError {
    fn from(r: axum::extract::rejection::QueryRejection) -> Self {
        ApiError::Rejected {
            status: r.status(),
            message: format!("query string refused: {}", r.body_text()),
        }
    }
}

/// A JSON request body; a body that cannot be read as `T` is answered like every other API
/// error (`{"error": "..."}` naming the field), not with the framework's plain text.
pub struct Body<T>(pub T);

#[axum::async_trait]
impl<T, S> axum::extract::FromRequest<S> for Body<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        let Json(value) = Json::<T>::from_request(req, state).await?;
        Ok(Body(value))
    }
}

/// A query string; one that cannot be read as `T` is answered as JSON like every API error.
pub struct Params<T>(pub T);

#[axum::async_trait]
impl<T, S> axum::extract::FromRequestParts<S> for Params<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        let axum::extract::Query(value) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(Params(value))
    }
}

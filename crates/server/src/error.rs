//! API errors: a status code and a JSON body `{"error": "..."}` that says what was wrong.

use ambit_store::StoreError;
use axum::extract::{OriginalUri, Request};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
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
    /// The request does not fit the server's state (409): a live session out of step.
    #[error("{message}")]
    Conflict {
        /// What is out of step.
        message: String,
        /// Structured details.
        details: serde_json::Value,
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
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
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
            ApiError::Unprocessable { message, details }
            | ApiError::Conflict { message, details } => {
                json!({ "error": message, "details": details })
            }
            ApiError::Store(StoreError::Conflict { actual, .. }) => {
                json!({ "error": self.to_string(), "current_version": actual })
            }
            // The store's message quotes the name whole; an over-long one is not echoed back.
            ApiError::Store(StoreError::BadName { kind, name }) => json!({
                "error": format!(
                    "{kind} name {} must be 1 to 200 characters (it has {})",
                    excerpt(name),
                    name.trim().chars().count()
                )
            }),
            other => json!({ "error": other.to_string() }),
        };
        (status, Json(body)).into_response()
    }
}

/// Longest part of a request's text quoted back in an error message.
const QUOTED_CHARS: usize = 40;

/// `text` quoted for an error message: whole when short, else its first [`QUOTED_CHARS`]
/// characters and an ellipsis.
pub(crate) fn excerpt(text: &str) -> String {
    if text.chars().count() <= QUOTED_CHARS {
        format!("{text:?}")
    } else {
        let head: String = text.chars().take(QUOTED_CHARS).collect();
        format!("{head:?}…")
    }
}

/// Answers an API request that matched no route: 404 as JSON, naming the method and path.
pub(crate) async fn no_route(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::NotFound(format!(
        "no API endpoint {method} {} (GET /api/openapi.json lists them)",
        excerpt(uri.path())
    ))
}

/// Gives every API error the same JSON shape `{"error": "..."}`: the errors axum answers before
/// a handler runs (a path segment of the wrong type: 400 as plain text; a method the route does
/// not have: 405 with an empty body; a body over the size limit: 413 as plain text) are rewritten
/// here, with their status kept.
pub(crate) async fn json_errors(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| req.uri().path().to_string(), |u| u.0.path().to_string());
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let allow = res.headers().get(header::ALLOW).cloned();
    // The framework's error texts are short; anything longer is cut.
    let text = axum::body::to_bytes(res.into_body(), 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => format!(
            "method {method} is not allowed on {}{}",
            excerpt(&path),
            allow
                .as_ref()
                .and_then(|a| a.to_str().ok())
                .map(|a| format!(" (allowed: {a})"))
                .unwrap_or_default()
        ),
        StatusCode::PAYLOAD_TOO_LARGE => format!(
            "request body too large for {method} {}: {}",
            excerpt(&path),
            if text.is_empty() {
                "over the size limit"
            } else {
                &text
            }
        ),
        _ if text.is_empty() => status
            .canonical_reason()
            .unwrap_or("request refused")
            .to_string(),
        _ => text,
    };
    let mut out = (status, Json(json!({ "error": message }))).into_response();
    if let Some(a) = allow {
        out.headers_mut().insert(header::ALLOW, a);
    }
    out
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

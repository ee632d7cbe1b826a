//! The page and its assets, built into the binary so the studio works without internet.

use crate::Studio;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const STYLE_CSS: &str = include_str!("../assets/style.css");
const CASES_HTML: &str = include_str!("../assets/cases.html");
const OPTIMISER_JS: &str = include_str!("../assets/optimiser.js");
const CASES_JS: &str = include_str!("../assets/cases.js");
const LAYERS_JS: &str = include_str!("../assets/layers.js");
const CANVAS_JS: &str = include_str!("../assets/canvas.js");
const PANELS_JS: &str = include_str!("../assets/panels.js");
const FAVICON_SVG: &str = include_str!("../assets/favicon.svg");

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
}

/// Routes of the page (`/`, `/cases`) and of its static assets.
pub fn routes() -> Router<Arc<Studio>> {
    Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", INDEX_HTML) }),
        )
        .route(
            "/cases",
            get(|| async { asset("text/html; charset=utf-8", CASES_HTML) }),
        )
        .route(
            "/assets/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route(
            "/assets/optimiser.js",
            get(|| async { asset("text/javascript; charset=utf-8", OPTIMISER_JS) }),
        )
        .route(
            "/assets/layers.js",
            get(|| async { asset("text/javascript; charset=utf-8", LAYERS_JS) }),
        )
        .route(
            "/assets/canvas.js",
            get(|| async { asset("text/javascript; charset=utf-8", CANVAS_JS) }),
        )
        .route(
            "/assets/panels.js",
            get(|| async { asset("text/javascript; charset=utf-8", PANELS_JS) }),
        )
        .route(
            "/assets/favicon.svg",
            get(|| async { asset("image/svg+xml", FAVICON_SVG) }),
        )
        .route(
            "/favicon.ico",
            get(|| async { asset("image/svg+xml", FAVICON_SVG) }),
        )
        .route(
            "/assets/cases.js",
            get(|| async { asset("text/javascript; charset=utf-8", CASES_JS) }),
        )
        .route(
            "/assets/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE_CSS) }),
        )
}

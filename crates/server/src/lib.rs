//! The planning studio: an HTTP JSON API and a web page over the library crates.
//!
//! [`router`] builds the axum application: the page and its assets (built into the binary, no
//! CDN, no remote tiles), the OpenAPI document at `/api/openapi.json`, and the JSON API over a
//! region's data ([`Region`]) and a SQLite [`ambit_store::Store`]. Handlers only translate HTTP
//! to library calls: an audit requested here runs the same function as `ambit audit`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use ambit_server::{router, Region, Studio};
//! let region = Region::load("data/lombardy".as_ref(), None)?;
//! let store = ambit_store::Store::open("studio.db".as_ref())?;
//! let app = router(Studio::new(region, store));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```

mod api;
mod assets;
mod error;
mod jobs;
mod mesh;
mod region;
mod report;

pub use api::ROUTES;
pub use error::ApiError;
pub use jobs::{RunState, RunView, Runs};
pub use region::{MeshDetail, Region, RegionError};

use ambit_store::Store;
use axum::extract::DefaultBodyLimit;
use axum::Router;
use std::sync::{Arc, Mutex};

/// Largest request body accepted (district CSV imports, case files, scenarios): 4 MiB, about
/// ten times a full Lombardy assignment as JSON.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Everything the handlers share: the region's data and the store.
pub struct Studio {
    /// The region being planned (read-only while serving).
    pub region: Region,
    /// The database; one connection, used from blocking tasks.
    pub store: Mutex<Store>,
    /// Optimiser runs started from the page.
    pub runs: Runs,
    /// Live validation sessions (`POST /api/audit/live`): each page's last audit.
    pub live: api::LiveSessions,
}

impl Studio {
    /// Bundles a loaded region and an opened store.
    pub fn new(region: Region, store: Store) -> Arc<Self> {
        Arc::new(Self {
            region,
            store: Mutex::new(store),
            runs: Runs::default(),
            live: api::LiveSessions::default(),
        })
    }
}

/// The whole application: page, assets, OpenAPI document and JSON API.
pub fn router(studio: Arc<Studio>) -> Router {
    Router::new()
        .merge(assets::routes())
        .nest(
            "/api",
            api::routes()
                .fallback(error::no_route)
                .layer(axum::middleware::from_fn(error::json_errors)),
        )
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(studio)
}

/// Serves the studio on `listener` until Ctrl-C (graceful: requests in flight complete).
/// Optimiser runs still going are then cancelled.
pub async fn serve(listener: tokio::net::TcpListener, studio: Arc<Studio>) -> std::io::Result<()> {
    let runs = Arc::clone(&studio);
    let served = axum::serve(listener, router(studio))
        .with_graceful_shutdown(async {
            // An error here means no signal handler could be installed: serve until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await;
    runs.runs.cancel_all();
    served
}

/// What a studio serving `municipalities` from the data folder `dir`, with its scenarios in
/// `db`, says once bound to `bound`: where to open it and who can connect.
pub fn banner(
    municipalities: usize,
    dir: &std::path::Path,
    db: &std::path::Path,
    bound: std::net::SocketAddr,
) -> String {
    let mut text = format!(
        "ambit studio: {municipalities} municipalities from {}\n\
         scenarios are stored in {}\n\
         open http://{bound}/  (Ctrl-C stops the server)\n",
        dir.display(),
        db.display()
    );
    if bound.ip().is_loopback() {
        text += &format!(
            "only this machine can connect. To let colleagues in, run with \
             --addr 0.0.0.0:{} on a trusted network, or put a reverse proxy with \
             authentication (and TLS) in front: the studio itself has no login.\n",
            bound.port()
        );
    } else {
        text += &format!(
            "WARNING: listening on {bound}: anyone who can reach this address can read \
             and change the scenarios (no login, no TLS).\n"
        );
    }
    text
}

/// Binds `addr`, calls `ready` with the bound address, and serves until Ctrl-C, on a runtime
/// of its own (for callers without one, such as the CLI).
pub fn serve_blocking(
    addr: std::net::SocketAddr,
    studio: Arc<Studio>,
    ready: impl FnOnce(std::net::SocketAddr),
) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        ready(listener.local_addr()?);
        serve(listener, studio).await
    })
}

//! `ambit serve`: the planning studio (HTTP JSON API and web page) on this machine.

use anyhow::{Context, Result};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Flags of `ambit serve`.
#[derive(clap::Args)]
pub struct Args {
    /// Data folder with a dataset.toml (default: the bundled Lombardy data).
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// Policy file (default: the one the data folder names).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// SQLite file holding scenarios, plans, case files and analyses (created if missing).
    #[arg(long, value_name = "FILE", default_value = "ambit-studio.db")]
    db: PathBuf,
    /// Address to listen on. The default answers only this machine.
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
}

/// The bundled Lombardy data folder: `data/lombardy` under the working directory, else the
/// one of the source tree the binary was built from.
fn default_data_dir() -> PathBuf {
    let local = PathBuf::from("data/lombardy");
    if local.join("dataset.toml").exists() {
        return local;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/lombardy")
}

/// Runs `ambit serve`.
pub fn run(args: Args) -> Result<()> {
    let dir = args.data.clone().unwrap_or_else(default_data_dir);
    let region = ambit_server::Region::load(&dir, args.policy.as_deref())
        .with_context(|| format!("loading the data folder {}", dir.display()))?;
    let store = ambit_store::Store::open(&args.db)?;
    let n = region.dataset.territory.len();
    let studio = ambit_server::Studio::new(region, store);
    let addr = args.addr;
    ambit_server::serve_blocking(addr, studio, |bound| {
        println!("ambit studio: {n} municipalities from {}", dir.display());
        println!("scenarios are stored in {}", args.db.display());
        println!("open http://{bound}/  (Ctrl-C stops the server)");
        if bound.ip().is_loopback() {
            println!(
                "only this machine can connect. To let colleagues in, run with \
                 --addr 0.0.0.0:{} on a trusted network, or put a reverse proxy with \
                 authentication (and TLS) in front: the studio itself has no login.",
                bound.port()
            );
        } else {
            println!(
                "WARNING: listening on {bound}: anyone who can reach this address can read \
                 and change the scenarios (no login, no TLS)."
            );
        }
    })
    .with_context(|| format!("serving on {addr}"))
}

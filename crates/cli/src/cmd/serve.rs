//! `ambit serve`: the planning studio (HTTP JSON API and web page) on this machine.

use crate::common::{DataChoice, Loaded};
use anyhow::{Context, Result};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Flags of `ambit serve`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    data: DataChoice,
    /// SQLite file holding scenarios, plans, case files and analyses (created if missing).
    #[arg(long, value_name = "FILE", default_value = "ambit-studio.db")]
    db: PathBuf,
    /// Address to listen on. The default answers only this machine.
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
}

/// Runs `ambit serve`: the flags become the loaded data and plain values at this boundary.
pub fn run(args: Args) -> Result<()> {
    let dir = args.data.dir(crate::common::default_data_dir);
    serve(&dir, crate::common::load(&args.data)?, &args.db, args.addr)
}

/// Serves the studio over `loaded` (from the data folder `dir`) with its scenarios in the
/// SQLite file `db`, on `addr`.
pub fn serve(dir: &Path, loaded: Loaded, db: &Path, addr: SocketAddr) -> Result<()> {
    let region = ambit_server::Region::new(loaded.dataset, loaded.policy)
        .with_context(|| format!("loading the boundaries of {}", dir.display()))?;
    let store = ambit_store::Store::open(db)?;
    let n = region.dataset.territory.len();
    let studio = ambit_server::Studio::new(region, store);
    ambit_server::serve_blocking(addr, studio, |bound| {
        print!("{}", ambit_server::banner(n, dir, db, bound));
    })
    .with_context(|| format!("serving on {addr}"))
}

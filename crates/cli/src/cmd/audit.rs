//! `ambit audit`: districts (or the region alone) against a reform's rules.

use crate::common::{emit, DataChoice, Format, Loaded, OutputArgs};
use anyhow::Result;
use std::path::Path;

/// Flags of `ambit audit`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    data: DataChoice,
    /// District map: a name from the data folder's dataset.toml (e.g. `ambiti-2017`) or a CSV
    /// with columns `code,district`. Without it, the region's fragmentation is profiled.
    #[arg(long, value_name = "NAME|FILE")]
    districts: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

/// Runs `ambit audit`: the flags become the loaded data and plain values at this boundary.
pub fn run(args: Args) -> Result<()> {
    let loaded = crate::common::load(&args.data)?;
    audit(
        &loaded,
        args.districts.as_deref(),
        args.output.format,
        args.output.output.as_deref(),
    )
}

/// The audit of the district map `districts` (a name or a file; none: the region alone),
/// written to `output` (or printed) in `format`.
pub fn audit(
    loaded: &Loaded,
    districts: Option<&str>,
    format: Format,
    output: Option<&Path>,
) -> Result<()> {
    let ds = &loaded.dataset;
    let map = match districts {
        Some(d) => Some(ds.district_map(d)?),
        None => None,
    };
    if let Some(m) = &map {
        crate::common::notices(&m.notices);
    }
    let text = ambit_report::audit::audit_document(ds, &loaded.policy, map.as_ref(), format)?;
    emit(&text, output)
}

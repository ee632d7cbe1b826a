//! `ambit audit`: districts (or the region alone) against a reform's rules.

use crate::common::{emit, DataArgs, Format};
use anyhow::Result;
use std::path::PathBuf;

/// Flags of `ambit audit`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    data: DataArgs,
    /// District map: a name from the data folder's dataset.toml (e.g. `ambiti-2017`) or a CSV
    /// with columns `code,district`. Without it, the region's fragmentation is profiled.
    #[arg(long, value_name = "NAME|FILE")]
    districts: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write to this file (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Runs `ambit audit`.
pub fn run(args: Args) -> Result<()> {
    let loaded = args.data.load()?;
    let map = match &args.districts {
        Some(d) => {
            let m = loaded.dataset.district_map(d)?;
            for n in &m.notices {
                eprintln!("notice: {n}");
            }
            Some(m)
        }
        None => None,
    };
    let audit = ambit_rules::audit(
        &loaded.dataset.territory,
        &loaded.dataset.graph,
        &loaded.policy,
        map.as_ref(),
    );
    // the compactness table follows the audit in the formats that hold several tables
    let compactness = match (&map, args.format) {
        (Some(m), Format::Table | Format::Markdown) => {
            let names: Vec<String> = audit.districts.iter().map(|d| d.name.clone()).collect();
            Some(ambit_report::compactness::of_map(&loaded.dataset, m, &names)?.table())
        }
        _ => None,
    };
    let text = match args.format {
        Format::Table => {
            ambit_report::audit::to_text(&audit)
                + &compactness.map_or(String::new(), |t| format!("\n{}", t.render(args.format)))
        }
        Format::Markdown => {
            ambit_report::audit::to_markdown(&audit)
                + &compactness.map_or(String::new(), |t| format!("\n{}", t.render(args.format)))
        }
        Format::Csv => ambit_report::audit::to_csv(&audit),
        Format::Json => serde_json::to_string_pretty(&audit)? + "\n",
    };
    emit(&text, args.output.as_deref())
}

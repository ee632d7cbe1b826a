//! `ambit map`: an SVG choropleth of districts or of their compliance.

use crate::common::DataArgs;
use ambit_report::{district_fills, Choropleth, Status};
use ambit_rules::{Audit, DistrictAudit};
use ambit_territory::{Contiguity, ContiguityKind};
use anyhow::{Context, Result};
use std::collections::HashMap;
use std::path::PathBuf;

/// What the map's colours show.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Colour {
    /// Each district its own colour, neighbours differing.
    District,
    /// Compliant, non-compliant, no district.
    Compliance,
}

/// Flags of `ambit map`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    data: DataArgs,
    /// District map: a name from the data folder's dataset.toml or a `code,district` CSV.
    #[arg(long, value_name = "NAME|FILE")]
    districts: Option<String>,
    /// What the colours show.
    #[arg(long, value_enum, default_value_t = Colour::Compliance)]
    colour: Colour,
    /// The SVG file to write.
    #[arg(long, short, value_name = "FILE", default_value = "map.svg")]
    output: PathBuf,
}

/// Runs `ambit map`.
pub fn run(args: Args) -> Result<()> {
    let loaded = args.data.load()?;
    let ds = &loaded.dataset;
    let boundaries = ds.boundaries()?;
    let map = match &args.districts {
        Some(d) => ds.district_map(d)?,
        None => ambit_territory::DistrictMap::default(),
    };
    let district_of = ds.polygon_districts(&map);
    let audit = ambit_rules::audit(&ds.territory, &ds.graph, &loaded.policy, Some(&map));
    let verdict = verdicts(&audit);
    let title = match &args.districts {
        Some(d) => format!("{} - {d}", loaded.policy.file.policy.name),
        None => loaded.policy.file.policy.name.clone(),
    };
    let label = |d: &DistrictAudit| {
        format!(
            "{}: {} inhabitants, {} ({}), {}",
            d.name,
            ambit_rules::format_count(d.population as f64),
            d.class,
            d.threshold_text,
            d.status
        )
    };
    let (fills, legend) = match args.colour {
        Colour::District => {
            let contiguity = Contiguity::compute(&boundaries, ContiguityKind::Rook);
            let (mut fills, legend) = district_fills(&boundaries, &contiguity, &district_of);
            for (code, fill) in fills.iter_mut() {
                if let Some(d) = district_of.get(code).and_then(|d| verdict.get(d.as_str())) {
                    fill.label = label(d);
                }
            }
            (fills, legend)
        }
        Colour::Compliance => (
            ambit_report::compliance_fills(&boundaries, &district_of, &audit, label),
            Status::legend_for(&audit),
        ),
    };
    Choropleth::new(title, &boundaries, &fills)
        .with_legend(legend)
        .with_district_borders(&district_of)
        .write(&args.output)
        .with_context(|| "writing the map")?;
    eprintln!(
        "wrote {} ({} municipalities, {} districts)",
        args.output.display(),
        boundaries.len(),
        audit.districts.len()
    );
    Ok(())
}

/// The audit's districts by name.
fn verdicts(audit: &Audit) -> HashMap<&str, &DistrictAudit> {
    audit
        .districts
        .iter()
        .map(|d| (d.name.as_str(), d))
        .collect()
}

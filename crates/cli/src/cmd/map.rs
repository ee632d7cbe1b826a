//! `ambit map`: an SVG choropleth of districts or of their compliance.

use crate::common::DataArgs;
use ambit_report::MapColour;
use anyhow::{Context, Result};
use std::path::PathBuf;

/// Flags of `ambit map`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    data: DataArgs,
    /// District map: a name from the data folder's dataset.toml or a `code,district` CSV.
    #[arg(long, value_name = "NAME|FILE")]
    districts: Option<String>,
    /// What the colours show.
    #[arg(long, value_enum, default_value_t = MapColour::Compliance)]
    colour: MapColour,
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
    for n in &map.notices {
        eprintln!("notice: {n}");
    }
    let district_of = ds.polygon_districts(&map);
    let audit = ambit_rules::audit(&ds.territory, &ds.graph, &loaded.policy, Some(&map));
    let title = crate::common::map_title(&loaded, args.districts.as_deref());
    let svg = ambit_report::audit_map(&title, &boundaries, &district_of, &audit, args.colour);
    crate::common::emit(&svg, Some(&args.output)).with_context(|| "writing the map")?;
    eprintln!(
        "wrote {} ({} municipalities, {} districts)",
        args.output.display(),
        boundaries.len(),
        audit.districts.len()
    );
    Ok(())
}

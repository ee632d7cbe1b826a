//! `ambit map`: an SVG choropleth of districts or of their compliance.

use crate::common::{DataChoice, Loaded};
use ambit_report::MapColour;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Flags of `ambit map`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    data: DataChoice,
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

/// Runs `ambit map`: the flags become the loaded data and plain values at this boundary.
pub fn run(args: Args) -> Result<()> {
    let loaded = crate::common::load(&args.data)?;
    map(
        &loaded,
        args.districts.as_deref(),
        args.colour,
        &args.output,
    )
}

/// Draws the district map `districts` (none: the municipalities alone) coloured by `colour`
/// into the SVG file `output`.
pub fn map(
    loaded: &Loaded,
    districts: Option<&str>,
    colour: MapColour,
    output: &Path,
) -> Result<()> {
    let ds = &loaded.dataset;
    let boundaries = ds.boundaries()?;
    let map = match districts {
        Some(d) => ds.district_map(d)?,
        None => ambit_territory::DistrictMap::default(),
    };
    crate::common::notices(&map.notices);
    let district_of = ds.polygon_districts(&map);
    let audit = ambit_rules::audit(&ds.territory, &ds.graph, &loaded.policy, Some(&map));
    let title = crate::common::map_title(loaded, districts);
    let svg = ambit_report::audit_map(&title, &boundaries, &district_of, &audit, colour);
    crate::common::emit(&svg, Some(output)).with_context(|| "writing the map")?;
    eprintln!(
        "wrote {} ({} municipalities, {} districts)",
        output.display(),
        boundaries.len(),
        audit.districts.len()
    );
    Ok(())
}

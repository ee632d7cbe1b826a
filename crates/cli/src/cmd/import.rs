//! `ambit import`: a data folder from a country's own files (municipalities table, boundaries,
//! optional adjacency, district maps), checked like every bundled region, with every
//! municipality missing from one of the files named.

use ambit_territory::import::{district_map_entry, ImportSpec};
use anyhow::Result;
use std::path::{Path, PathBuf};

/// Flags of `ambit import`.
#[derive(clap::Args)]
pub struct Args {
    /// The data folder to create (must not exist).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Name of the region and vintage (printed in reports).
    #[arg(long)]
    name: String,
    /// Municipalities table (CSV): one row per municipality.
    #[arg(long, value_name = "FILE")]
    municipalities: PathBuf,
    /// Its code column.
    #[arg(long, default_value = "code")]
    code_column: String,
    /// Its name column.
    #[arg(long, default_value = "name")]
    name_column: String,
    /// Its population column.
    #[arg(long, default_value = "population")]
    population_column: String,
    /// Its area column (km²), needed by density rules.
    #[arg(long)]
    area_column: Option<String>,
    /// The date and source of the populations.
    #[arg(long)]
    population_vintage: Option<String>,
    /// Boundaries (GeoJSON, or GeoJSON.gz); stored gzip-compressed.
    #[arg(long, value_name = "FILE")]
    boundaries: Option<PathBuf>,
    /// Feature property holding the municipality code.
    #[arg(long, default_value = "code")]
    code_property: String,
    /// Feature property holding the name.
    #[arg(long)]
    name_property: Option<String>,
    /// Rook adjacency pairs (CSV with columns `code_a,code_b`); without it, contiguity is
    /// computed from the boundaries when loaded.
    #[arg(long, value_name = "FILE")]
    adjacency: Option<PathBuf>,
    /// A district map `NAME=FILE` (CSV with columns `code,district`); repeatable.
    #[arg(long, value_name = "NAME=FILE")]
    districts: Vec<String>,
    /// Column of the district in the district maps.
    #[arg(long, default_value = "district")]
    district_column: String,
    /// A policy file to copy in as the folder's default policy.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
}

/// Runs `ambit import`: the flags become an `ImportSpec` at this boundary.
pub fn run(args: Args) -> Result<()> {
    let columns = ambit_territory::DistrictColumns {
        code: args.code_column.clone(),
        district: args.district_column.clone(),
    };
    let districts = (args.districts.iter())
        .map(|d| district_map_entry(d, &columns, "--districts"))
        .collect::<Result<_, _>>()?;
    let spec = ImportSpec {
        name: args.name,
        municipalities: args.municipalities,
        columns: ambit_territory::MunicipalityColumns {
            code: args.code_column.clone(),
            name: args.name_column,
            population: args.population_column,
            area_km2: args.area_column,
        },
        population_vintage: args.population_vintage,
        boundaries: args.boundaries,
        code_property: args.code_property,
        name_property: args.name_property,
        adjacency: args
            .adjacency
            .map(|f| (f, "code_a".to_string(), "code_b".to_string())),
        districts,
        policy: args.policy,
    };
    import(&spec, &args.out)
}

/// Builds the data folder `out` from `spec`'s files and says what it holds and lacks.
pub fn import(spec: &ImportSpec, out: &Path) -> Result<()> {
    let (ds, coverage) = ambit_territory::import::import(spec, out)?;
    crate::common::notices(&ds.territory.notices);
    println!(
        "{}: {} municipalities, population {}",
        out.display(),
        ambit_rules::format_count(ds.territory.len() as f64),
        ambit_rules::format_count(ds.territory.population() as f64)
    );
    for line in coverage.lines() {
        println!("{line}");
    }
    Ok(())
}

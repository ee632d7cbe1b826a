//! `ambit report`: one self-contained HTML page (or Markdown with SVG figures) of a scenario:
//! the audit of its districts, maps, the uptake simulation and its variants, and the provenance
//! of every input.

use crate::common::{DataChoice, Loaded};
use ambit_report::report;
use ambit_report::report::file::ReportFormat;
use ambit_sim::SimulationResult;
use anyhow::Context;
use std::path::{Path, PathBuf};

/// Flags of `ambit report`.
#[derive(clap::Args)]
pub struct Args {
    /// Report on a bundled scenario (`lombardy-2018`): simulates it and audits the bundled
    /// 2017 ambiti, in one command.
    #[arg(long)]
    pub bundled: Option<String>,
    /// Scenario file to simulate for the report.
    #[arg(long, conflicts_with_all = ["bundled", "simulation"])]
    pub scenario: Option<PathBuf>,
    /// A saved simulation (`ambit simulate --out FILE`) instead of running one.
    #[arg(long, conflicts_with = "scenario")]
    pub simulation: Option<PathBuf>,
    /// Policy variants to simulate alongside (as `ambit simulate --variant`).
    #[arg(long = "variant")]
    pub variants: Vec<String>,
    /// Monte Carlo and calibration flags, used when the report simulates.
    #[command(flatten)]
    pub monte_carlo: ambit_sim::MonteCarloOptions,
    #[command(flatten)]
    data: DataChoice,
    /// District map to audit (name from the data folder, or CSV `code,district`); with
    /// `--bundled lombardy-2018` the default is `ambiti-2017`.
    #[arg(long, value_name = "NAME|FILE")]
    pub districts: Option<String>,
    /// A pre-rendered SVG map to include (repeatable; the caption is the file name).
    #[arg(long = "map", value_name = "FILE.svg")]
    pub maps: Vec<PathBuf>,
    /// Report title.
    #[arg(long)]
    pub title: Option<String>,
    /// Output format (default: from the output file's extension, `.md` for Markdown).
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Output file, written whole or not at all.
    #[arg(long, short)]
    pub output: PathBuf,
    /// Do not draw a progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// Runs `ambit report`: the flags become the simulation, the loaded data and plain values at
/// this boundary.
pub fn run(args: Args) -> anyhow::Result<()> {
    // an output the report cannot be written as is refused before any work
    let format = ReportFormat::of(&args.output, args.format)?;
    let simulation = load_or_simulate(&args)?;
    let bundled = (args.bundled.as_deref()).and_then(ambit_sim::bundled::default_districts);
    let districts = args.districts.clone().or(bundled.map(String::from));
    let audit = match &districts {
        Some(d) => {
            let label = match &args.data.data {
                Some(d) => d.display().to_string(),
                None => "the bundled Lombardy data (data/lombardy)".into(),
            };
            Some((crate::common::load(&args.data)?, d.as_str(), label))
        }
        None => None,
    };
    let (maps, output) = (&args.maps, &args.output);
    report(simulation.as_ref(), audit, maps, args.title, output, format)
}

/// Writes the report of `simulation`, of the audit of a district map (the loaded data, the
/// map's name, the data folder as the user named it) and of SVG `maps` to `output` in its
/// format; `title` or one made from the scenario's name.
pub fn report(
    simulation: Option<&SimulationResult>,
    audit: Option<(Loaded, &str, String)>,
    maps: &[PathBuf],
    title: Option<String>,
    output: &Path,
    format: ReportFormat,
) -> anyhow::Result<()> {
    let mut doc = report::simulation::scenario_document(title, simulation);
    if let Some((loaded, d, label)) = audit {
        let map = loaded.dataset.district_map(d)?;
        crate::common::notices(&map.notices);
        let title = crate::common::map_title(&loaded, Some(d));
        let (ds, policy) = (&loaded.dataset, &loaded.policy);
        report::audit::add_map_audit(&mut doc, ds, policy, &map, d, &title, label)?;
    }
    for (i, path) in maps.iter().enumerate() {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read map {}", path.display()))?;
        report::add_map_file(&mut doc, i, path, &text)?;
    }
    if let Some(sim) = simulation {
        report::simulation::add_to(&mut doc, sim);
    }
    anyhow::ensure!(
        !doc.sections.is_empty(),
        "nothing to report: give --bundled, --scenario, --simulation, --districts or --map"
    );
    // Ctrl-C before the renames leaves every file as it was
    let _guard = crate::interrupt::Guard::new();
    report::file::write(&doc, output, format, || !crate::interrupt::requested())?;
    eprintln!("wrote {}", output.display());
    Ok(())
}

fn load_or_simulate(args: &Args) -> anyhow::Result<Option<SimulationResult>> {
    if let Some(p) = &args.simulation {
        return Ok(Some(SimulationResult::read(p)?));
    }
    if args.scenario.is_none() && args.bundled.is_none() {
        return Ok(None);
    }
    let (path, name) = (args.scenario.as_deref(), args.bundled.as_deref());
    let scenario = ambit_sim::bundled::scenario_or_file(path, name)?;
    let variants = ambit_sim::bundled::variants(&args.variants)?;
    let options = args.monte_carlo.options();
    let r = super::simulate::run_with_progress(&scenario, &variants, options, None, args.quiet)?;
    Ok(Some(r))
}

//! `ambit report`: one self-contained HTML page (or Markdown with SVG figures) of a scenario:
//! the audit of its districts, maps, the uptake simulation and its variants, and the provenance
//! of every input.

use crate::common::DataArgs;
use ambit_report::report::{self, Document};
use ambit_sim::SimulationResult;
use anyhow::Context;
use std::path::{Path, PathBuf};

/// Output formats of a report.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    /// One self-contained HTML page (inline CSS and SVG, printable).
    Html,
    /// Markdown, with each figure written as an SVG file beside it.
    Markdown,
}

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
    pub monte_carlo: super::simulate::MonteCarloArgs,
    #[command(flatten)]
    data: DataArgs,
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

/// Runs `ambit report`.
pub fn run(args: Args) -> anyhow::Result<()> {
    // an output the report cannot be written as is refused before any work
    let format = report_format(&args.output, args.format)?;
    let simulation = load_or_simulate(&args)?;
    let districts = args.districts.clone().or_else(|| {
        (args.bundled.as_deref() == Some("lombardy-2018")).then(|| "ambiti-2017".to_string())
    });
    let title = args.title.clone().unwrap_or_else(|| match &simulation {
        Some(s) => format!("Scenario report: {}", s.scenario),
        None => "Scenario report".into(),
    });
    let mut doc = Document::new(
        &title,
        "Audit, maps and uptake simulation of a district reform, with the provenance of every input.",
    );
    if let Some(d) = &districts {
        let loaded = args.data.load()?;
        let map = loaded.dataset.district_map(d)?;
        for n in &map.notices {
            eprintln!("notice: {n}");
        }
        let audit = ambit_rules::audit(
            &loaded.dataset.territory,
            &loaded.dataset.graph,
            &loaded.policy,
            Some(&map),
        );
        let (section, mut prov) = report::audit::section(&audit);
        report::relative_sources(&mut prov, &loaded.dataset.dir);
        doc.sections.push(section);
        doc.provenance.push(report::ProvenanceEntry {
            input: "data folder".into(),
            source: data_folder_name(&args.data),
            note: "file sources below are relative to it".into(),
        });
        doc.provenance.extend(prov);
        let svg = compliance_map(&loaded, d, &map, &audit)?;
        doc.sections.push(report::map_section(
            "map-compliance",
            &format!("Map: {d} against the thresholds"),
            &format!(
                "Comuni coloured by the compliance of their district ({d}); grey: in no district of this map. Boundaries: the data folder's boundary layer."
            ),
            svg,
        ));
    }
    for (i, path) in args.maps.iter().enumerate() {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read map {}", path.display()))?;
        let name = path.display().to_string();
        let svg = report::inline_svg(&name, &text)?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        doc.sections.push(report::map_section(
            &format!("map-{}-{}", i + 1, report::simulation::slug(&stem)),
            &format!("Map: {stem}"),
            &format!("Map {}", path.display()),
            svg,
        ));
        doc.provenance.push(report::ProvenanceEntry {
            input: "map".into(),
            source: name,
            note: "pre-rendered SVG".into(),
        });
    }
    if let Some(sim) = &simulation {
        let (sections, prov) = report::simulation::sections(sim);
        doc.sections.extend(sections);
        doc.provenance.extend(prov);
    }
    anyhow::ensure!(
        !doc.sections.is_empty(),
        "nothing to report: give --bundled, --scenario, --simulation, --districts or --map"
    );
    write_report(&doc, &args.output, format)
}

/// The data folder as the user named it, or "bundled Lombardy data" for the default.
fn data_folder_name(data: &DataArgs) -> String {
    match &data.data {
        Some(d) => d.display().to_string(),
        None => "the bundled Lombardy data (data/lombardy)".into(),
    }
}

/// The compliance choropleth of a district map, in the colours of `ambit map --colour compliance`.
fn compliance_map(
    loaded: &crate::common::Loaded,
    name: &str,
    map: &ambit_territory::DistrictMap,
    audit: &ambit_rules::Audit,
) -> anyhow::Result<String> {
    let ds = &loaded.dataset;
    let boundaries = ds.boundaries()?;
    let svg = report::districts::compliance_map(
        &format!(
            "Compliance of {}",
            crate::common::map_title(loaded, Some(name))
        ),
        &boundaries,
        &ds.polygon_districts(map),
        audit,
    );
    Ok(report::inline_svg("compliance map", &svg)?)
}

fn load_or_simulate(args: &Args) -> anyhow::Result<Option<SimulationResult>> {
    if let Some(p) = &args.simulation {
        let text = std::fs::read_to_string(p)
            .with_context(|| format!("cannot read simulation {}", p.display()))?;
        let r: SimulationResult = serde_json::from_str(&text).with_context(|| {
            format!(
                "{}: not a simulation result of `ambit simulate --out`",
                p.display()
            )
        })?;
        return Ok(Some(r));
    }
    if args.scenario.is_none() && args.bundled.is_none() {
        return Ok(None);
    }
    let scenario =
        super::simulate::load_scenario(args.scenario.as_deref(), args.bundled.as_deref())?;
    let variants = super::simulate::load_variants(&args.variants)?;
    let options = args.monte_carlo.options();
    let r = super::simulate::run_with_progress(&scenario, &variants, options, None, args.quiet)?;
    Ok(Some(r))
}

/// The report's format: `--format`, else the output's extension (`.html`/`.htm`, `.md`/
/// `.markdown`); any other extension is refused rather than given HTML under its name.
fn report_format(output: &Path, format: Option<ReportFormat>) -> anyhow::Result<ReportFormat> {
    if let Some(f) = format {
        return Ok(f);
    }
    let ext = output
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html") | Some("htm") => Ok(ReportFormat::Html),
        Some("md") | Some("markdown") => Ok(ReportFormat::Markdown),
        other => anyhow::bail!(
            "{}: cannot tell the report format from {}: name it .html or .md, or give --format html|markdown",
            output.display(),
            match other {
                Some(e) => format!("the extension `.{e}` (ambit writes HTML and Markdown, not {e})"),
                None => "a name without extension".to_string(),
            }
        ),
    }
}

/// Writes the report whole: the HTML page, or the Markdown text with its SVG figures (all of
/// them or none; Ctrl-C before the renames leaves every file as it was).
fn write_report(doc: &Document, output: &Path, format: ReportFormat) -> anyhow::Result<()> {
    let _guard = crate::interrupt::Guard::new();
    match format {
        ReportFormat::Html => {
            let html = report::html::render(doc);
            crate::interrupt::check()?;
            ambit_report::write_atomic(output, html.as_bytes())?;
        }
        ReportFormat::Markdown => {
            let stem = output
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "report".into());
            let md = report::markdown::render(doc, &stem);
            let dir = output.parent().unwrap_or(Path::new(""));
            let paths: Vec<PathBuf> = md.figures.iter().map(|(f, _)| dir.join(f)).collect();
            let mut files: Vec<(&Path, &[u8])> = paths
                .iter()
                .zip(&md.figures)
                .map(|(p, (_, svg))| (p.as_path(), svg.as_bytes()))
                .collect();
            files.push((output, md.text.as_bytes()));
            ambit_report::write_files_atomic(&files, || !crate::interrupt::requested())?;
        }
    }
    eprintln!("wrote {}", output.display());
    Ok(())
}

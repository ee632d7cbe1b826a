//! `ambit plan`: propose districts that meet the class thresholds (max-p), or repair an existing
//! map with the fewest changes (min-change). Flag parsing, wiring and output only.

pub mod input;
mod svg;

use ambit_plan::input::{Input, JobSpec, Outcome};
use ambit_plan::{
    ChangeOptions, Control, DistrictSummary, MergeCost, Progress, SearchOptions, Tiebreak,
};
use anyhow::{bail, Context, Result};
use input::{csv_field, write_atomic, InputArgs};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What the plan optimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Objective {
    /// As many compliant districts as possible (max-p).
    MaxDistricts,
    /// Make a baseline map compliant with the fewest changes.
    MinChange,
}

/// Tie-break between plans with as many districts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TiebreakArg {
    /// Lowest within-district heterogeneity of the attributes.
    Heterogeneity,
    /// Shortest border between districts.
    Compactness,
}

/// Flags of `ambit plan`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    input: InputArgs,
    /// What to optimise.
    #[arg(long, value_enum, default_value_t = Objective::MaxDistricts)]
    objective: Objective,
    /// Baseline district map (a dataset map name or a CSV code,district): required by
    /// min-change; with max-districts only the diff uses it.
    #[arg(long, value_name = "NAME|FILE")]
    baseline: Option<String>,
    /// Baseline districts to keep exactly as they are (repeatable).
    #[arg(long = "lock", value_name = "DISTRICT")]
    locked: Vec<String>,
    /// Pairwise affinity scores (CSV code_a,code_b,score) for min-change.
    #[arg(long, value_name = "FILE")]
    affinity: Option<PathBuf>,
    /// Cost of a merge in min-change: `smaller` (units of the smaller district) or a number.
    #[arg(long, default_value = "smaller", value_name = "smaller|N")]
    merge_cost: String,
    /// Exact number of districts (max-districts).
    #[arg(long, value_name = "K")]
    districts: Option<usize>,
    /// Tie-break (default: heterogeneity when attributes are given, else compactness).
    #[arg(long, value_enum)]
    tiebreak: Option<TiebreakArg>,
    /// Random seed: equal seeds give equal plans (when no time limit cuts the search).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Independent starts, run in parallel.
    #[arg(long, default_value_t = 8)]
    starts: usize,
    /// Neighbourhood regrowths per district and start (search effort).
    #[arg(long, default_value_t = 30.0)]
    effort: f64,
    /// Time budget in seconds; Ctrl-C also stops and keeps the best plan so far.
    #[arg(long, value_name = "SECONDS")]
    time_limit: Option<f64>,
    /// Agreement date for the incentive schedule (ISO date).
    #[arg(long, default_value = "2018-06-30")]
    date: String,
    /// Output folder: assignment.csv, districts.csv, plan.json, diff.csv, plan.geojson.
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Run N independent plans (seeds SEED..SEED+N-1, in parallel) and write how often every
    /// pair of neighbours shares a district: stability.csv, pairs.csv, stability.svg.
    #[arg(long, value_name = "N")]
    ensemble: Option<usize>,
    /// Then solve exactly (MILP, CBC) from the search's plan: "optimal", or the best plan found
    /// and its bound; instances above --exact-max-units keep the search's plan and bound.
    #[arg(long)]
    exact: bool,
    /// Time limit of the exact solver, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
    exact_time_limit: f64,
    /// Largest instance (units) handed to the exact solver.
    #[arg(long, value_name = "N", default_value_t = 600)]
    exact_max_units: usize,
}

/// Runs `ambit plan`.
pub fn run(args: Args) -> Result<()> {
    let input = input::load(&args.input)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let baseline = match &args.baseline {
        Some(b) => Some(input::load_map(&input, b)?),
        None => None,
    };
    if args.objective == Objective::MinChange && baseline.is_none() {
        bail!("--objective min-change needs --baseline NAME|FILE");
    }
    if !args.locked.is_empty() && baseline.is_none() {
        bail!("--lock needs --baseline");
    }
    let tiebreak = match args.tiebreak {
        Some(TiebreakArg::Heterogeneity) => Tiebreak::Heterogeneity,
        Some(TiebreakArg::Compactness) => Tiebreak::Compactness,
        None if input.m > 0 => Tiebreak::Heterogeneity,
        None => Tiebreak::Compactness,
    };
    let merge_cost = match args.merge_cost.as_str() {
        "smaller" => MergeCost::SmallerDistrict,
        v => MergeCost::Fixed(
            v.parse()
                .with_context(|| format!("--merge-cost `{v}`: expected `smaller` or a number"))?,
        ),
    };
    if !(args.exact_time_limit.is_finite() && args.exact_time_limit >= 0.0) {
        bail!(
            "--exact-time-limit {}: expected a number of seconds, 0 or more",
            args.exact_time_limit
        );
    }
    let spec = JobSpec {
        objective: match args.objective {
            Objective::MaxDistricts => ambit_plan::input::Objective::MaxDistricts,
            Objective::MinChange => ambit_plan::input::Objective::MinChange,
        },
        locked: args.locked.clone(),
        search: SearchOptions {
            seed: args.seed,
            starts: args.starts,
            regrowths_per_region: args.effort,
            time_budget: args.time_limit.map(Duration::from_secs_f64),
            tiebreak,
            exact: args.exact.then(|| ambit_plan::ExactOptions {
                time_limit: Duration::from_secs_f64(args.exact_time_limit),
                max_units: args.exact_max_units,
            }),
            ..SearchOptions::default()
        },
        districts: args.districts,
        change: ChangeOptions {
            merge_cost,
            ..ChangeOptions::default()
        },
        affinity: args.affinity.clone(),
    };
    let started = Instant::now();
    let cancel: &'static AtomicBool = Box::leak(Box::new(AtomicBool::new(false)));
    // a second handler cannot be installed in the same process: then Ctrl-C just ends it
    let _ = ctrlc::set_handler(move || cancel.store(true, Ordering::Relaxed));
    let bar = if args.quiet || args.objective == Objective::MinChange {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(args.starts as u64)
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} starts {pos}/{len} [{elapsed_precise}] {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    let best = std::sync::atomic::AtomicUsize::new(0);
    let progress = |p: Progress| {
        let b = best
            .fetch_max(p.districts, Ordering::Relaxed)
            .max(p.districts);
        bar.set_position(p.done as u64);
        bar.set_message(format!("best so far: {b} districts"));
    };
    let control = Control {
        cancel: Some(cancel),
        progress: Some(&progress),
    };
    if let Some(runs) = args.ensemble {
        bar.set_length(runs as u64);
        let e = input.ensemble(&spec, runs, &control)?;
        bar.finish_and_clear();
        return write_ensemble(&args, &input, &e, started.elapsed());
    }
    let result = input.plan(baseline.as_ref(), &spec, &control)?;
    bar.finish_and_clear();
    write_outputs(&args, &input, &result, started.elapsed())
}

fn write_outputs(args: &Args, input: &Input, o: &Outcome, elapsed: Duration) -> Result<()> {
    let dir = &args.out;
    // assignment
    let mut a = String::from("code,name,district\n");
    for (l, &g) in o.subset.global.iter().enumerate() {
        a.push_str(&format!(
            "{},{},{}\n",
            csv_field(&input.codes[g]),
            csv_field(&input.names[g]),
            csv_field(&o.names[o.district_of[l] as usize])
        ));
    }
    write_atomic(&dir.join("assignment.csv"), &a)?;
    // audit of the new plan
    let area_names = input.areas.as_ref().map(|(_, n)| n);
    let mut t = String::from("district,units,population,class,threshold,strict,compliant,areas\n");
    for d in o.districts.iter().filter(|d| d.units > 0) {
        let areas: Vec<String> = d
            .areas
            .iter()
            .map(|&a| {
                area_names
                    .and_then(|n| n.get(a as usize).cloned())
                    .unwrap_or_else(|| a.to_string())
            })
            .collect();
        t.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            csv_field(&o.names[d.id as usize]),
            d.units,
            d.population,
            csv_field(&d.class_name),
            d.threshold,
            d.strict,
            d.compliant,
            csv_field(&areas.join("|"))
        ));
    }
    write_atomic(&dir.join("districts.csv"), &t)?;
    // diff
    let mut incentive = serde_json::Value::Null;
    if let (Some(diff), Some(_)) = (&o.diff, &o.baseline) {
        let mut s = String::from("code,name,from,to\n");
        let bnames: Vec<String> = o.names.clone();
        for m in &diff.moved {
            let g = o.subset.global[m.unit as usize];
            s.push_str(&format!(
                "{},{},{},{}\n",
                csv_field(&input.codes[g]),
                csv_field(&input.names[g]),
                csv_field(bnames.get(m.from as usize).map_or("", |x| x.as_str())),
                csv_field(&o.names[m.to as usize])
            ));
        }
        write_atomic(&dir.join("diff.csv"), &s)?;
        incentive = o.incentive(input, &args.date);
    }
    // GeoJSON when the dataset has boundaries
    if let Some(ds) = &input.dataset {
        if let Some((gj, map)) = geojson(ds, input, o)? {
            write_atomic(&dir.join("plan.geojson"), &gj)?;
            write_atomic(&dir.join("plan.svg"), &map)?;
        }
    }
    let compliant = o
        .districts
        .iter()
        .filter(|d| d.units > 0 && d.compliant)
        .count();
    let json = json!({
        "units": o.subset.len(),
        "districts": o.districts.iter().filter(|d| d.units > 0).count(),
        "compliant": compliant,
        "elapsed_s": elapsed.as_secs_f64(),
        "result": o.extra,
        "district_figures": o.district_figures(),
        "diff": o.diff_json(),
        "incentive": incentive,
    });
    write_atomic(
        &dir.join("plan.json"),
        &(serde_json::to_string_pretty(&json)? + "\n"),
    )?;
    // a closed pipe (e.g. `| head`) is not an error of the plan
    let mut stdout = std::io::stdout().lock();
    for line in &o.summary {
        let _ = writeln!(stdout, "{line}");
    }
    let _ = writeln!(
        stdout,
        "wrote {} (assignment.csv, districts.csv, plan.json{}{}) in {:.2} s",
        dir.display(),
        if o.diff.is_some() { ", diff.csv" } else { "" },
        if input.dataset.is_some() {
            ", plan.geojson, plan.svg"
        } else {
            ""
        },
        elapsed.as_secs_f64()
    );
    Ok(())
}

/// The ensemble's tables and stability map (rendered by `ambit_report::stability`).
fn write_ensemble(
    args: &Args,
    input: &Input,
    e: &ambit_plan::Ensemble,
    elapsed: Duration,
) -> Result<()> {
    use ambit_report::stability;
    let dir = &args.out;
    write_atomic(
        &dir.join("stability.csv"),
        &stability::stability_csv(&input.codes, &input.names, e),
    )?;
    write_atomic(
        &dir.join("pairs.csv"),
        &stability::pairs_csv(&input.codes, &input.names, e),
    )?;
    let mut files = "stability.csv, pairs.csv".to_string();
    if let Some(ds) = &input.dataset {
        if ds.manifest.polygons.is_some() {
            let boundaries = ds.boundaries()?;
            let codes: Vec<_> = ds
                .territory
                .municipalities()
                .iter()
                .map(|m| ds.polygon_key.latest(&m.code).clone())
                .collect();
            let title = format!("Stability of the groupings over {} plans", e.plans);
            let svg = stability::stability_map(&title, &boundaries, &codes, e);
            write_atomic(&dir.join("stability.svg"), &svg)?;
            files.push_str(", stability.svg");
        }
    }
    let mut stdout = std::io::stdout().lock();
    for line in stability::stability_summary(e) {
        let _ = writeln!(stdout, "{line}");
    }
    let _ = writeln!(
        stdout,
        "wrote {} ({files}) in {:.2} s",
        dir.display(),
        elapsed.as_secs_f64()
    );
    Ok(())
}

/// GeoJSON (one MultiPolygon feature per district) and an SVG map of the plan.
fn geojson(
    ds: &ambit_territory::Dataset,
    input: &Input,
    o: &Outcome,
) -> Result<Option<(String, String)>> {
    let Some(p) = &ds.manifest.polygons else {
        return Ok(None);
    };
    let (Some(file), Some(prop)) = (&p.boundaries, &p.code_property) else {
        return Ok(None);
    };
    let path = ds.dir.join(file);
    if path.extension().and_then(|e| e.to_str()) != Some("geojson") {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let v: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))?;
    let mut geom: std::collections::HashMap<String, &serde_json::Value> = Default::default();
    if let Some(fs) = v.get("features").and_then(|f| f.as_array()) {
        for f in fs {
            let code = f.get("properties").and_then(|p| p.get(prop.as_str()));
            let code = match code {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(x) => x.to_string(),
                None => continue,
            };
            if let Some(gm) = f.get("geometry") {
                geom.insert(code, gm);
            }
        }
    }
    let ms = ds.territory.municipalities();
    let mut polys: Vec<Vec<serde_json::Value>> = vec![Vec::new(); o.districts.len()];
    let mut used: Vec<std::collections::HashSet<String>> =
        vec![Default::default(); o.districts.len()];
    let mut members: Vec<Vec<String>> = vec![Vec::new(); o.districts.len()];
    for (l, &g) in o.subset.global.iter().enumerate() {
        let d = o.district_of[l] as usize;
        members[d].push(input.codes[g].clone());
        let key = ds.polygon_key.latest(&ms[g].code).as_str().to_string();
        if !used[d].insert(key.clone()) {
            continue;
        }
        let Some(gm) = geom.get(&key) else { continue };
        match gm.get("type").and_then(|t| t.as_str()) {
            Some("Polygon") => {
                if let Some(c) = gm.get("coordinates") {
                    polys[d].push(c.clone());
                }
            }
            Some("MultiPolygon") => {
                if let Some(cs) = gm.get("coordinates").and_then(|c| c.as_array()) {
                    polys[d].extend(cs.iter().cloned());
                }
            }
            _ => {}
        }
    }
    let features: Vec<serde_json::Value> = o
        .districts
        .iter()
        .filter(|d| d.units > 0)
        .map(|d| {
            json!({
                "type": "Feature",
                "properties": {
                    "district": o.names[d.id as usize],
                    "population": d.population,
                    "class": d.class_name,
                    "threshold": d.threshold,
                    "compliant": d.compliant,
                    "units": d.units,
                    "members": members[d.id as usize],
                },
                "geometry": { "type": "MultiPolygon", "coordinates": polys[d.id as usize] },
            })
        })
        .collect();
    // district adjacency for the map colours
    let count = o.districts.len();
    let mut neigh: Vec<Vec<usize>> = vec![Vec::new(); count];
    for &(i, j, _) in &input.edges {
        if let (Some(a), Some(b)) = (o.subset.local(i), o.subset.local(j)) {
            let (da, db) = (o.district_of[a] as usize, o.district_of[b] as usize);
            if da != db && !neigh[da].contains(&db) {
                neigh[da].push(db);
                neigh[db].push(da);
            }
        }
    }
    let colour = svg::colours(count, &neigh);
    let live: Vec<&DistrictSummary> = o.districts.iter().filter(|d| d.units > 0).collect();
    let shapes: Vec<svg::DistrictShape> = live
        .iter()
        .map(|d| svg::DistrictShape {
            polygons: &polys[d.id as usize],
            name: &o.names[d.id as usize],
            compliant: d.compliant,
        })
        .collect();
    let colours: Vec<usize> = live.iter().map(|d| colour[d.id as usize]).collect();
    let title = format!(
        "{} districts, {} compliant (grey with red outline: non-compliant)",
        live.len(),
        live.iter().filter(|d| d.compliant).count()
    );
    let map = svg::render(&shapes, &colours, &title);
    let gj = serde_json::to_string(&json!({
        "type": "FeatureCollection", "features": features
    }))?;
    Ok(Some((gj, map)))
}

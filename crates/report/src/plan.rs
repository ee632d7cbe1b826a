//! The outputs of `ambit plan`: the assignment, the districts, the diff from the baseline,
//! `plan.json`, and with a data folder's boundaries the dissolved districts as GeoJSON and the
//! SVG map, all built before anything is written and written as one folder ([`StagedDir`]).

use crate::atomic::{StagedDir, WriteError};
use crate::compactness::{members_score, outlines, score_text, Compactness};
use crate::map::{audit_map, MapColour};
use crate::table::{Align, Table};
use ambit_plan::input::{Checked, Input, Outcome};
use ambit_rules::audit::{audit_with, MergerSearch};
use ambit_territory::{DataError, DistrictMap};
use serde_json::json;
use std::path::{Path, PathBuf};

use std::time::Duration;

/// Every file a plan folder may hold: a folder of only these (written before folders kept a
/// manifest) is replaced by a new plan.
pub const FILE_NAMES: [&str; 6] = [
    "assignment.csv",
    "districts.csv",
    "diff.csv",
    "plan.geojson",
    "plan.svg",
    "plan.json",
];

/// Every file an ensemble's folder (`ambit plan --ensemble N`) may hold.
pub const ENSEMBLE_FILE_NAMES: [&str; 3] = ["stability.csv", "pairs.csv", "stability.svg"];

/// Why the plan's outputs could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanOutputError {
    /// The data folder's boundaries could not be read.
    #[error(transparent)]
    Boundaries(#[from] DataError),
    /// A file could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// The files of one plan, in memory, by name.
#[derive(Debug, Clone)]
pub struct PlanFiles {
    files: Vec<(&'static str, String)>,
    summary: Vec<String>,
}

impl PlanFiles {
    /// Builds every file of the plan `o` over `input`; `incentive_date` (ISO) prices the
    /// incentives of the districts formed by merger; `elapsed` is the search time.
    pub fn build(
        input: &Input,
        o: &Outcome,
        incentive_date: &str,
        elapsed: Duration,
    ) -> Result<Self, PlanOutputError> {
        let (per, total) = plan_cut_edges(input, o);
        let live_names: Vec<String> = o.live().map(|d| o.names[d.id as usize].clone()).collect();
        let live_cut: Vec<usize> = o.live().map(|d| per[d.id as usize]).collect();
        let geography = geography(input, o, &live_names, &live_cut, total)?;
        let compactness = match &geography {
            Some(g) => g.compactness.clone(),
            None => Compactness::new(&live_names, &live_cut, total, None),
        };
        let mut files = vec![
            ("assignment.csv", assignment(input, o).to_csv()),
            ("districts.csv", districts(input, o, &compactness).to_csv()),
        ];
        let mut incentive = serde_json::Value::Null;
        if let (Some(_), Some(_)) = (&o.diff, &o.baseline) {
            files.push(("diff.csv", diff(input, o).to_csv()));
            incentive = o.incentive(input, incentive_date);
        }
        if let Some(g) = geography {
            files.push(("plan.geojson", g.geojson));
            files.push(("plan.svg", g.svg));
        }
        let summary = vec![compactness.summary()];
        let json = json!({
            "units": o.subset.len(),
            "districts": o.live().count(),
            "compliant": o.compliant(),
            "elapsed_s": elapsed.as_secs_f64(),
            "result": o.extra,
            "district_figures": o.district_figures(),
            "diff": o.diff_json(),
            "incentive": incentive,
            "compactness": compactness.to_json(),
        });
        // a Value of strings and finite numbers always serialises
        let json = serde_json::to_string_pretty(&json).unwrap_or_default() + "\n";
        files.push(("plan.json", json));
        Ok(Self { files, summary })
    }

    /// Lines to print after the plan's own summary (its compactness).
    pub fn summary(&self) -> &[String] {
        &self.summary
    }

    /// Builds the files of an ensemble of plans over `input` (made by [`crate::stability`]):
    /// each unit's stability, every neighbouring pair's share of plans that join it, and with
    /// the data folder's boundaries the stability map.
    pub fn ensemble(input: &Input, e: &ambit_plan::Ensemble) -> Result<Self, PlanOutputError> {
        use crate::stability;
        let mut files = vec![
            (
                "stability.csv",
                stability::stability_csv(&input.codes, &input.names, e),
            ),
            (
                "pairs.csv",
                stability::pairs_csv(&input.codes, &input.names, e),
            ),
        ];
        if let Some(ds) = input
            .dataset
            .as_ref()
            .filter(|d| d.manifest.polygons.is_some())
        {
            let boundaries = ds.boundaries()?;
            let codes: Vec<_> = ds
                .territory
                .municipalities()
                .iter()
                .map(|m| ds.polygon_key.latest(&m.code).clone())
                .collect();
            let title = format!("Stability of the groupings over {} plans", e.plans);
            let svg = stability::stability_map(&title, &boundaries, &codes, e);
            files.push(("stability.svg", svg));
        }
        Ok(Self {
            files,
            summary: Vec::new(),
        })
    }

    /// The line closing a plan's output: the folder, its files and the time taken.
    pub fn wrote(&self, dir: &Path, elapsed: std::time::Duration) -> String {
        let names: Vec<&str> = self.names().collect();
        format!(
            "wrote {} ({}) in {:.2} s",
            dir.display(),
            names.join(", "),
            elapsed.as_secs_f64()
        )
    }

    /// The file names, in writing order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.files.iter().map(|(n, _)| *n)
    }

    /// The text of the file `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| t.as_str())
    }

    /// Writes every file into `staged` and commits it, replacing its target folder whole
    /// (see [`StagedDir`]); if `proceed` says no before the commit (e.g. Ctrl-C was pressed),
    /// the staging is dropped and the old folder stays as it was.
    pub fn write(
        &self,
        mut staged: StagedDir,
        proceed: impl Fn() -> bool,
    ) -> Result<PathBuf, WriteError> {
        let dir = staged.target().to_path_buf();
        let dir = dir.as_path();
        for (name, text) in &self.files {
            if !proceed() {
                return Err(interrupted(dir));
            }
            staged.write(name, text.as_bytes())?;
        }
        if !proceed() {
            return Err(interrupted(dir));
        }
        staged.commit()
    }
}

fn interrupted(dir: &Path) -> WriteError {
    WriteError {
        path: dir.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::Interrupted, "interrupted"),
    }
}

/// What `ambit check` prints about the plan `plan`: its figures, one line per failure, and
/// `OK: ...` when it passes every check.
pub fn check_lines(plan: &str, checked: &Checked) -> Vec<String> {
    let summary = format!(
        "{plan}: {} units, {} districts, {} compliant",
        checked.subset.len(),
        checked.districts,
        checked.compliant
    );
    let ok = (checked.is_valid()).then(|| "OK: complete, contiguous and compliant".to_string());
    [summary]
        .into_iter()
        .chain(checked.failures.iter().cloned())
        .chain(ok)
        .collect()
}

/// `code,name,district` of every planned unit.
pub fn assignment(input: &Input, o: &Outcome) -> Table {
    assignment_table(
        (o.assignment()).map(|(g, d)| [input.codes[g].as_str(), input.names[g].as_str(), d]),
    )
}

/// A district map as a `code,name,district` table, one row per assigned unit: a plan's
/// `assignment.csv` and the studio's CSV export of a scenario.
pub fn assignment_table<'a>(rows: impl IntoIterator<Item = [&'a str; 3]>) -> Table {
    let mut t = Table::text(["code", "name", "district"]);
    for row in rows {
        t.push(row);
    }
    t
}

/// Cut edges of the plan per district (indexed by district id) and in all, over the input's
/// edges; a link to a unit outside the plan's subset is cut.
fn plan_cut_edges(input: &Input, o: &Outcome) -> (Vec<usize>, usize) {
    let mut label = vec![None; input.codes.len()];
    for (&g, &d) in o.subset.global.iter().zip(&o.district_of) {
        label[g] = Some(d);
    }
    ambit_plan::cut_edges_per_district(
        &label,
        o.districts.len(),
        input.edges.iter().map(|&(i, j, _)| (i, j)),
    )
}

/// One row per non-empty district: units, population, class, threshold, verdict, areas, cut
/// edges, Polsby-Popper (blank without boundaries).
pub fn districts(input: &Input, o: &Outcome, compactness: &Compactness) -> Table {
    let mut t = Table::new([
        ("district", Align::Left),
        ("units", Align::Right),
        ("population", Align::Right),
        ("class", Align::Left),
        ("threshold", Align::Right),
        ("strict", Align::Left),
        ("compliant", Align::Left),
        ("areas", Align::Left),
        ("cut_edges", Align::Right),
        ("polsby_popper", Align::Right),
    ]);
    let area_names = input.areas.as_ref().map(|(_, n)| n);
    for d in o.live() {
        let c = compactness.get(&o.names[d.id as usize]);
        let areas: Vec<String> = d
            .areas
            .iter()
            .map(|&a| {
                area_names
                    .and_then(|n| n.get(a as usize).cloned())
                    .unwrap_or_else(|| a.to_string())
            })
            .collect();
        t.push([
            o.names[d.id as usize].clone(),
            d.units.to_string(),
            d.population.to_string(),
            d.class_name.clone(),
            d.threshold.to_string(),
            d.strict.to_string(),
            d.compliant.to_string(),
            areas.join("|"),
            c.map_or(String::new(), |c| c.cut_edges.to_string()),
            c.and_then(|c| c.polsby_popper)
                .map(score_text)
                .unwrap_or_default(),
        ]);
    }
    t
}

/// `code,name,from,to` of every unit that changed district against the baseline.
pub fn diff(input: &Input, o: &Outcome) -> Table {
    let mut t = Table::text(["code", "name", "from", "to"]);
    let Some(diff) = &o.diff else { return t };
    for m in &diff.moved {
        let g = o.subset.global[m.unit as usize];
        t.push([
            input.codes[g].as_str(),
            input.names[g].as_str(),
            o.names.get(m.from as usize).map_or("", String::as_str),
            o.names[m.to as usize].as_str(),
        ]);
    }
    t
}

/// The map outputs of a plan and its compactness.
struct Geography {
    geojson: String,
    svg: String,
    compactness: Compactness,
}

/// The plan's districts dissolved into GeoJSON (once: the outlines also give Polsby-Popper),
/// and its SVG map coloured by district as `ambit map --colour district` draws a map; None
/// without a data folder with boundaries.
fn geography(
    input: &Input,
    o: &Outcome,
    names: &[String],
    cut: &[usize],
    cut_total: usize,
) -> Result<Option<Geography>, PlanOutputError> {
    let (Some(ds), Some(policy)) = (&input.dataset, &input.policy) else {
        return Ok(None);
    };
    if ds
        .manifest
        .polygons
        .as_ref()
        .and_then(|p| p.boundaries.as_ref())
        .is_none()
    {
        return Ok(None);
    }
    let boundaries = ds.boundaries()?;
    let ms = ds.territory.municipalities();
    let map = DistrictMap::from_pairs(
        o.assignment()
            .map(|(g, d)| (ms[g].code.clone(), d.to_string())),
    );
    let district_of = ds.polygon_districts(&map);
    let audit = audit_with(
        &ds.territory,
        &ds.graph,
        policy,
        Some(&map),
        MergerSearch::Skip,
    );
    let outlines = outlines(&boundaries, &district_of);
    let geographic = boundaries.is_geographic();
    let scores = outlines
        .iter()
        .filter_map(|(d, o)| members_score(&o.members, geographic).map(|s| (d.clone(), s)))
        .collect();
    let compactness = Compactness::new(names, cut, cut_total, Some(&scores));
    let geojson = crate::geojson::districts_from(&outlines, geographic, &audit, Some(&compactness));
    let live = o.live().count();
    let title = format!(
        "{}: plan of {live} districts, {} compliant",
        policy.file.policy.name,
        o.compliant()
    );
    let svg = audit_map(
        &title,
        &boundaries,
        &district_of,
        &audit,
        MapColour::District,
    );
    Ok(Some(Geography {
        geojson,
        svg,
        compactness,
    }))
}

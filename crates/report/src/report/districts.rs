//! The report of one district map without a simulation (a studio scenario, or `ambit report
//! --districts`): the audit section, the compliance map, and what changed from a baseline map.

use super::charts::label;
use super::{audit, map_section, Block, Document, ProvenanceEntry, Section, Table};
use crate::{Choropleth, Status};
use ambit_rules::{format_count, Audit, Incentive};
use ambit_territory::{Boundaries, DistrictMap, MunicipalityCode, Territory};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The compliance choropleth of an audited map, in the colours of `ambit map --colour compliance`:
/// each polygon takes the status of its district (`polygon_districts`, e.g. from
/// `Dataset::polygon_districts`), with population and threshold in its tooltip.
pub fn compliance_map(
    title: &str,
    boundaries: &Boundaries,
    polygon_districts: &HashMap<MunicipalityCode, String>,
    audit: &Audit,
) -> String {
    let fills = crate::compliance_fills(boundaries, polygon_districts, audit, |d| {
        format!(
            "{}: {} inhabitants, {}",
            d.name,
            format_count(d.population as f64),
            d.threshold_text
        )
    });
    Choropleth::new(title, boundaries, &fills)
        .with_legend(Status::legend_for(audit))
        .with_district_borders(polygon_districts)
        .to_svg()
}

/// How a municipality in no district is named in the lists of changes (a label only: the
/// municipalities in no district never form a district, are never merged and never paid for).
pub const UNASSIGNED: &str = "(unassigned)";

/// A municipality whose district changed from the baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MovedMunicipality {
    /// Code.
    pub code: MunicipalityCode,
    /// Name.
    pub name: String,
    /// District in the baseline ([`UNASSIGNED`] for none).
    pub from: String,
    /// District in the scenario ([`UNASSIGNED`] for none).
    pub to: String,
}

/// A scenario district formed by merging baseline districts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergedDistrict {
    /// The scenario's district.
    pub district: String,
    /// The baseline districts whose members are mostly in it, sorted.
    pub baseline: Vec<String>,
}

/// What changed from a baseline district map to a scenario's, in names: the one definition of
/// "moved", "merged" and "unchanged" that the studio's page, `/api/diff`, the optimiser preview
/// and the report all show.
///
/// Only municipalities in a district in *both* maps are compared by `ambit_plan::diff` (as
/// `ambit plan` reports a plan against a complete baseline); a municipality in a district in only
/// one of the maps is listed apart (`assigned`, `unassigned`), so that the municipalities in no
/// district never form a district, never count as a merger and are never paid an incentive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MapChanges {
    /// Name of the baseline (a scenario or a bundled map).
    pub baseline: String,
    /// Municipalities in a district in both maps, outside the scenario district that took most
    /// of their baseline district, in territory order (`from` and `to` may be the same name: a
    /// comune left behind when most of its district went to another one).
    pub moved: Vec<MovedMunicipality>,
    /// Municipalities in no district of the baseline and in one of the scenario (`from` is
    /// [`UNASSIGNED`]), in territory order.
    pub assigned: Vec<MovedMunicipality>,
    /// Municipalities in a district of the baseline and in none of the scenario (`to` is
    /// [`UNASSIGNED`]), in territory order.
    pub unassigned: Vec<MovedMunicipality>,
    /// Districts formed by merger (of baseline districts, never of unassigned municipalities).
    pub merged: Vec<MergedDistrict>,
    /// Baseline districts with exactly the same members in a scenario district.
    pub unchanged: usize,
}

impl MapChanges {
    /// The changes from `baseline` (named `baseline_name`) to `scenario` over `territory`.
    pub fn between(
        territory: &Territory,
        baseline_name: &str,
        baseline: &DistrictMap,
        scenario: &DistrictMap,
    ) -> Self {
        let ms = territory.municipalities();
        let change = |i: usize, from: Option<&str>, to: Option<&str>| MovedMunicipality {
            code: ms[i].code.clone(),
            name: ms[i].name.clone(),
            from: from.unwrap_or(UNASSIGNED).to_string(),
            to: to.unwrap_or(UNASSIGNED).to_string(),
        };
        let mut names: Vec<String> = Vec::new();
        let mut ids: BTreeMap<String, u32> = BTreeMap::new();
        let mut id = |d: &str| -> u32 {
            *ids.entry(d.to_string()).or_insert_with(|| {
                names.push(d.to_string());
                (names.len() - 1) as u32
            })
        };
        // Units in a district in both maps, as (territory index, baseline id, scenario id).
        let (mut both, mut base, mut plan) = (Vec::new(), Vec::new(), Vec::new());
        let (mut assigned, mut unassigned) = (Vec::new(), Vec::new());
        // Members of each district in each map (territory indices, ascending), for `unchanged`.
        let mut base_members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let mut plan_members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, m) in ms.iter().enumerate() {
            let (b, p) = (baseline.district_of(&m.code), scenario.district_of(&m.code));
            if let Some(b) = b {
                base_members.entry(b).or_default().push(i);
            }
            if let Some(p) = p {
                plan_members.entry(p).or_default().push(i);
            }
            match (b, p) {
                (Some(b), Some(p)) => {
                    both.push(i);
                    base.push(id(b));
                    plan.push(id(p));
                }
                (None, Some(_)) => assigned.push(change(i, b, p)),
                (Some(_), None) => unassigned.push(change(i, b, p)),
                (None, None) => {}
            }
        }
        let d = ambit_plan::diff(&base, &plan);
        let name = |l: u32| names[l as usize].clone();
        let same: std::collections::HashSet<&Vec<usize>> = plan_members.values().collect();
        Self {
            baseline: baseline_name.to_string(),
            moved: d
                .moved
                .iter()
                .map(|mv| {
                    let i = both[mv.unit as usize];
                    change(i, Some(&name(mv.from)), Some(&name(mv.to)))
                })
                .collect(),
            assigned,
            unassigned,
            merged: d
                .merged
                .iter()
                .map(|g| {
                    let mut baseline: Vec<String> = g.baseline.iter().map(|&l| name(l)).collect();
                    baseline.sort();
                    MergedDistrict {
                        district: name(g.district),
                        baseline,
                    }
                })
                .collect(),
            unchanged: base_members.values().filter(|m| same.contains(m)).count(),
        }
    }

    /// Municipalities whose district changed in any way: moved, assigned or unassigned.
    pub fn changed(&self) -> usize {
        self.moved.len() + self.assigned.len() + self.unassigned.len()
    }
}

/// One incentive of the policy applied to the districts formed by merger.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncentiveCost {
    /// The incentive's name.
    pub name: String,
    /// Amount per new district for an agreement on the date.
    pub per_new_district: f64,
    /// Currency code.
    pub currency: String,
    /// Districts formed by merger.
    pub new_districts: usize,
    /// `per_new_district` times `new_districts`.
    pub total: f64,
    /// A condition beyond forming the district, when the policy states one.
    pub condition: Option<String>,
}

/// What each of the policy's `incentives` would pay for the districts `changes` forms by
/// merger, for an agreement on `date` (ISO `YYYY-MM-DD`, see `Incentive::amount_on`).
pub fn incentive_costs(
    incentives: &[Incentive],
    date: &str,
    changes: &MapChanges,
) -> Vec<IncentiveCost> {
    let n = changes.merged.len();
    incentives
        .iter()
        .map(|i| {
            let per = i.amount_on(date);
            IncentiveCost {
                name: i.name.clone(),
                per_new_district: per,
                currency: i.currency.clone(),
                new_districts: n,
                total: per * n as f64,
                condition: i.condition.clone(),
            }
        })
        .collect()
}

/// `n` followed by the singular or plural noun ("1 district", "2 districts", "1,516 comuni").
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", label(n as f64), if n == 1 { one } else { many })
}

/// Most moved municipalities listed one by one in the diff section.
const MOVED_ROWS: usize = 200;

/// The section "Changes from the baseline": counts, the mergers, the incentives they would earn
/// on `date` (`costs`, from [`incentive_costs`]; none listed when empty), the moved
/// municipalities.
pub fn diff_section(c: &MapChanges, date: &str, costs: &[IncentiveCost]) -> Section {
    let mut blocks = vec![Block::Paragraph(format!(
        "From {}: {} moved to another district, {} newly in a district, {} left without one, {} formed by merger, {} unchanged.",
        c.baseline,
        plural(c.moved.len(), "municipality", "municipalities"),
        label(c.assigned.len() as f64),
        label(c.unassigned.len() as f64),
        plural(c.merged.len(), "district", "districts"),
        plural(c.unchanged, "baseline district", "baseline districts"),
    ))];
    if !c.merged.is_empty() {
        blocks.push(Block::List(
            c.merged
                .iter()
                .map(|m| format!("{} from {}", m.district, m.baseline.join(" + ")))
                .collect(),
        ));
    }
    if !costs.is_empty() {
        blocks.push(Block::Table(Table {
            caption: format!("Incentives for the districts formed by merger, agreement on {date}"),
            header: vec![
                "incentive".into(),
                "per new district".into(),
                "new districts".into(),
                "total".into(),
                "condition".into(),
            ],
            rows: costs
                .iter()
                .map(|i| {
                    vec![
                        i.name.clone(),
                        format!("{} {}", label(i.per_new_district), i.currency),
                        i.new_districts.to_string(),
                        format!("{} {}", label(i.total), i.currency),
                        i.condition.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
            numeric: vec![false, true, true, true, false],
        }));
    }
    let listed: Vec<&MovedMunicipality> = c
        .moved
        .iter()
        .chain(&c.assigned)
        .chain(&c.unassigned)
        .collect();
    if !listed.is_empty() {
        let shown = listed.len().min(MOVED_ROWS);
        blocks.push(Block::Table(Table {
            caption: if shown < listed.len() {
                format!(
                    "The first {shown} of {} municipalities in another district",
                    listed.len()
                )
            } else {
                "Municipalities in another district".into()
            },
            header: vec!["code".into(), "name".into(), "from".into(), "to".into()],
            rows: listed[..shown]
                .iter()
                .map(|m| {
                    vec![
                        m.code.to_string(),
                        m.name.clone(),
                        m.from.clone(),
                        m.to.clone(),
                    ]
                })
                .collect(),
            numeric: vec![false; 4],
        }));
    }
    Section {
        id: "changes".into(),
        title: format!("Changes from {}", c.baseline),
        blocks,
    }
}

/// Everything the report of one district map is made of.
#[derive(Debug, Clone)]
pub struct DistrictMapReport<'a> {
    /// Title.
    pub title: String,
    /// Line under the title (e.g. the scenario's version and save date).
    pub subtitle: String,
    /// Name of the map (scenario or file), in captions and provenance.
    pub map_name: String,
    /// Free-text notes, as a first section when not empty.
    pub notes: String,
    /// The map's audit.
    pub audit: &'a Audit,
    /// Its compliance map ([`compliance_map`]), when the data have boundaries.
    pub compliance_svg: Option<String>,
    /// Changes from a baseline map, when one is given.
    pub changes: Option<MapChanges>,
    /// The policy's incentives, costed for the districts formed by merger.
    pub incentives: &'a [Incentive],
    /// Agreement date (ISO) the incentives are costed for.
    pub agreement_date: String,
}

/// The report document: notes, the audit section, the compliance map (ids, titles and captions
/// as `ambit report --districts` writes them), then the changes from the baseline with the
/// incentives they would earn.
pub fn document(r: DistrictMapReport<'_>) -> Document {
    let mut doc = Document::new(&r.title, &r.subtitle);
    if !r.notes.trim().is_empty() {
        doc.sections.push(Section {
            id: "notes".into(),
            title: "Notes".into(),
            blocks: vec![Block::Paragraph(r.notes.trim().to_string())],
        });
    }
    let (section, prov) = audit::section(r.audit);
    doc.sections.push(section);
    doc.provenance.extend(prov);
    if let Some(svg) = r.compliance_svg {
        let d = &r.map_name;
        doc.sections.push(map_section(
            "map-compliance",
            &format!("Map: {d} against the thresholds"),
            &format!(
                "Comuni coloured by the compliance of their district ({d}); grey: in no district of this map. Boundaries: the data folder's boundary layer."
            ),
            svg,
        ));
    }
    if let Some(c) = r.changes {
        doc.provenance.push(ProvenanceEntry {
            input: "baseline district map".into(),
            source: c.baseline.clone(),
            note: "compared with ambit_plan::diff".into(),
        });
        let costs = incentive_costs(r.incentives, &r.agreement_date, &c);
        doc.sections
            .push(diff_section(&c, &r.agreement_date, &costs));
    }
    doc
}

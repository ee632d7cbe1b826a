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

/// Name under which municipalities in no district take part in a diff: they form one baseline
/// "district", so that assigning them shows as moves or mergers.
pub const UNASSIGNED: &str = "(unassigned)";

/// A municipality in another district than in the baseline.
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

/// What changed from a baseline district map to a scenario's (`ambit_plan::diff`, as `ambit
/// plan` and the studio's comparison report it), in names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MapChanges {
    /// Name of the baseline (a scenario or a bundled map).
    pub baseline: String,
    /// Municipalities outside the scenario district that took most of their baseline
    /// district, in territory order (`from` and `to` may be the same name: a comune left
    /// behind when most of its district went to another one).
    pub moved: Vec<MovedMunicipality>,
    /// Districts formed by merger.
    pub merged: Vec<MergedDistrict>,
    /// Baseline districts with the same members in the scenario (the municipalities in no
    /// district count as one).
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
        let mut names: Vec<String> = Vec::new();
        let mut ids: BTreeMap<String, u32> = BTreeMap::new();
        let mut id = |d: Option<&str>| -> u32 {
            let d = d.unwrap_or(UNASSIGNED);
            *ids.entry(d.to_string()).or_insert_with(|| {
                names.push(d.to_string());
                (names.len() - 1) as u32
            })
        };
        let base: Vec<u32> = ms
            .iter()
            .map(|m| id(baseline.district_of(&m.code)))
            .collect();
        let plan: Vec<u32> = ms
            .iter()
            .map(|m| id(scenario.district_of(&m.code)))
            .collect();
        let d = ambit_plan::diff(&base, &plan);
        let name = |l: u32| names[l as usize].clone();
        Self {
            baseline: baseline_name.to_string(),
            moved: d
                .moved
                .iter()
                .map(|mv| {
                    let m = &ms[mv.unit as usize];
                    MovedMunicipality {
                        code: m.code.clone(),
                        name: m.name.clone(),
                        from: name(mv.from),
                        to: name(mv.to),
                    }
                })
                .collect(),
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
            unchanged: d.unchanged,
        }
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

/// Most moved municipalities listed one by one in the diff section.
const MOVED_ROWS: usize = 200;

/// The section "Changes from the baseline": counts, the mergers, the incentives they would earn
/// on `date` (`costs`, from [`incentive_costs`]; none listed when empty), the moved
/// municipalities.
pub fn diff_section(c: &MapChanges, date: &str, costs: &[IncentiveCost]) -> Section {
    let mut blocks = vec![Block::Paragraph(format!(
        "From {}: {} municipalities moved to another district, {} districts formed by merger, {} baseline districts unchanged (the municipalities in no district count as one).",
        c.baseline,
        label(c.moved.len() as f64),
        c.merged.len(),
        label(c.unchanged as f64)
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
    if !c.moved.is_empty() {
        let shown = c.moved.len().min(MOVED_ROWS);
        blocks.push(Block::Table(Table {
            caption: if shown < c.moved.len() {
                format!(
                    "The first {shown} of {} moved municipalities",
                    c.moved.len()
                )
            } else {
                "Moved municipalities".into()
            },
            header: vec!["code".into(), "name".into(), "from".into(), "to".into()],
            rows: c.moved[..shown]
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

//! The audit of a district map against a policy: per district, its figures, class, threshold
//! and compliance, and which neighbour's merger would close a gap; per region, a summary and
//! a profile of its fragmentation.
//!
//! The search for closing mergers is the costly part of an audit of a fragmented map (one
//! classification per neighbour of every non-compliant district), so [`audit_with`] lets a
//! caller limit it ([`MergerSearch`]): a live validation after each edit skips it, and asks for
//! one district's options when the user looks at that district.

use crate::compile::{CompiledPolicy, AREA, POPULATION};
use ambit_territory::{ContiguityGraph, DistrictMap, Territory};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A full audit, ready for any output format.
#[derive(Debug, Clone, Serialize)]
pub struct Audit {
    /// The policy applied.
    pub policy: PolicySummary,
    /// Where the municipalities come from.
    pub territory_source: String,
    /// Date and source of the population figures.
    pub population_vintage: Option<String>,
    /// Where the district map comes from (absent: fragmentation profile only).
    pub district_map: Option<String>,
    /// Region-wide figures.
    pub summary: RegionSummary,
    /// One row per district, non-compliant first, then by name.
    pub districts: Vec<DistrictAudit>,
    /// Size profile of the municipalities.
    pub fragmentation: Fragmentation,
    /// Which non-compliant districts were searched for closing mergers (elsewhere
    /// `closing_mergers` is empty because it was not searched, not because none exists).
    pub merger_search: MergerSearch,
    /// Every municipality in no district, by name, with the exemption that allows it if any.
    pub unassigned: Vec<Unassigned>,
    /// The policy's `group_by` attribute (e.g. `departement`), if any.
    pub group_by: Option<String>,
    /// Figures by the policy's `group_by` attribute (e.g. by departement), by group name.
    pub groups: Vec<GroupFigures>,
    /// Classes whose data the municipalities table lacks, as `class: data`.
    pub data_missing: Vec<String>,
}

/// A municipality in no district.
#[derive(Debug, Clone, Serialize)]
pub struct Unassigned {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its population.
    pub population: u64,
    /// The policy's exemption when it applies (`exempt_unassigned`), else `None`.
    pub exemption: Option<String>,
}

/// Audit figures of the districts of one group (e.g. one departement).
#[derive(Debug, Clone, Serialize)]
pub struct GroupFigures {
    /// The group's value of the `group_by` attribute.
    pub group: String,
    /// Districts whose members are mostly in this group.
    pub districts: usize,
    /// Of them, compliant.
    pub compliant: usize,
    /// Of them, known to fail.
    pub non_compliant: usize,
    /// Of them, undecided for missing data.
    pub unknown: usize,
    /// Of them, not in one piece.
    pub non_contiguous: usize,
    /// Municipalities of the group (whatever their district).
    pub municipalities: usize,
    /// Population of the group.
    pub population: u64,
    /// Municipalities of the group in no district.
    pub unassigned: usize,
}

/// Which non-compliant districts an audit searches for closing mergers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MergerSearch {
    /// Every non-compliant district (`ambit audit`, reports).
    #[default]
    All,
    /// None: the figures only (live validation of an edit).
    Skip,
    /// Only the named district (the one the user is looking at).
    District(String),
}

impl MergerSearch {
    /// Whether the district named `name` is searched.
    pub fn includes(&self, name: &str) -> bool {
        match self {
            MergerSearch::All => true,
            MergerSearch::Skip => false,
            MergerSearch::District(d) => d == name,
        }
    }
}

/// The policy as printed at the head of every report.
#[derive(Debug, Clone, Serialize)]
pub struct PolicySummary {
    /// Name of the reform.
    pub name: String,
    /// Its source.
    pub source: Option<String>,
    /// The policy file.
    pub file: String,
    /// Class rules in words.
    pub rules: Vec<String>,
    /// Assumptions the policy file states.
    pub assumptions: Vec<String>,
}

/// Region-wide figures.
#[derive(Debug, Clone, Serialize)]
pub struct RegionSummary {
    /// Number of municipalities.
    pub municipalities: usize,
    /// Population threshold below which a municipality counts as small.
    pub small_below: u64,
    /// Municipalities below that threshold.
    pub small_municipalities: usize,
    /// Total population.
    pub population: u64,
    /// Number of districts in the map.
    pub districts: usize,
    /// Districts that meet their threshold.
    pub compliant_districts: usize,
    /// Districts known not to (districts whose verdict waits on missing data excluded).
    pub non_compliant_districts: usize,
    /// Districts that comply only if a class whose data is missing applies.
    pub unknown_districts: usize,
    /// Districts whose members are not contiguous.
    pub non_contiguous_districts: usize,
    /// Municipalities in no district.
    pub unassigned_municipalities: usize,
    /// Of them, exempt by the policy's `exempt_unassigned`.
    pub unassigned_exempt: usize,
    /// Their population.
    pub unassigned_population: u64,
}

/// One district's audit.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictAudit {
    /// District name.
    pub name: String,
    /// Number of member municipalities.
    pub municipalities: usize,
    /// Members below the small-municipality threshold.
    pub small_municipalities: usize,
    /// Population.
    pub population: u64,
    /// Area in km².
    pub area_km2: f64,
    /// Inhabitants per km².
    pub density: f64,
    /// Class name.
    pub class: String,
    /// Why that class.
    pub class_reason: String,
    /// Threshold of the class.
    pub threshold: f64,
    /// Whether the population must exceed the threshold.
    pub strict: bool,
    /// The threshold in words.
    pub threshold_text: String,
    /// Whether the district meets it whatever the missing data say.
    pub compliant: bool,
    /// `compliant`, `non-compliant`, or `unknown: <missing data>` (complies only if a class
    /// whose data is missing applies).
    pub status: String,
    /// The missing data that would decide the verdict (empty when it is certain).
    pub unknown: Vec<String>,
    /// The group of the policy's `group_by` most members are in (e.g. the departement).
    pub group: Option<String>,
    /// Inhabitants missing to comply.
    pub shortfall: u64,
    /// Number of contiguous parts (1 for a contiguous district).
    pub contiguous_parts: usize,
    /// When not contiguous: the members of each part, largest part first, as `code name`.
    pub parts: Vec<Vec<String>>,
    /// Adjacent districts whose merger with this one would be compliant, smallest first.
    pub closing_mergers: Vec<MergeOption>,
}

/// A merger that would make a non-compliant district compliant.
#[derive(Debug, Clone, Serialize)]
pub struct MergeOption {
    /// The neighbour to merge with.
    pub with: String,
    /// Population of the merged district.
    pub population: u64,
    /// Class of the merged district.
    pub class: String,
    /// Its threshold in words.
    pub threshold_text: String,
}

/// Municipality size profile.
#[derive(Debug, Clone, Serialize)]
pub struct Fragmentation {
    /// Counts by population band.
    pub bands: Vec<SizeBand>,
    /// Median municipal population.
    pub median_population: f64,
    /// Municipalities that would meet the policy as districts of their own.
    pub meeting_threshold_alone: usize,
}

/// A population band.
#[derive(Debug, Clone, Serialize)]
pub struct SizeBand {
    /// Label, e.g. `1,000-4,999`.
    pub label: String,
    /// Municipalities in the band.
    pub municipalities: usize,
    /// Their population.
    pub population: u64,
}

/// Audits a district map (or only the region's fragmentation when `map` is `None`), with the
/// closing mergers of every non-compliant district.
pub fn audit(
    territory: &Territory,
    graph: &ContiguityGraph,
    policy: &CompiledPolicy,
    map: Option<&DistrictMap>,
) -> Audit {
    audit_with(territory, graph, policy, map, MergerSearch::All)
}

/// Audits a district map as [`audit`] does, searching closing mergers only where `mergers`
/// says; every other figure is the same.
pub fn audit_with(
    territory: &Territory,
    graph: &ContiguityGraph,
    policy: &CompiledPolicy,
    map: Option<&DistrictMap>,
    mergers: MergerSearch,
) -> Audit {
    let ms = territory.municipalities();
    let mut members: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut district_of: Vec<Option<&str>> = vec![None; ms.len()];
    if let Some(map) = map {
        for (i, m) in ms.iter().enumerate() {
            if let Some(d) = map.district_of(&m.code) {
                // Look up before inserting: one allocation per district, not per member.
                match members.get_mut(d) {
                    Some(v) => v.push(i),
                    None => {
                        members.insert(d.to_string(), vec![i]);
                    }
                }
                district_of[i] = Some(d);
            }
        }
    }
    let totals: BTreeMap<&str, Vec<f64>> = members
        .iter()
        .map(|(d, idx)| (d.as_str(), policy.totals_of(idx.iter().copied())))
        .collect();
    let districts: Vec<DistrictAudit> = members
        .iter()
        .map(|(name, idx)| {
            let mut row = district_row(territory, graph, policy, name, idx, &totals[name.as_str()]);
            if !row.compliant && mergers.includes(name) {
                row.closing_mergers = closing_mergers(
                    name,
                    idx,
                    graph,
                    |j| district_of[j],
                    |d| totals.get(d).map(Vec::as_slice),
                    policy,
                );
            }
            row
        })
        .collect();
    assemble(
        territory,
        policy,
        map.map(|m| m.source.as_ref().map(|p| p.display().to_string())),
        districts,
        &district_of,
        mergers,
    )
}

/// One district's audit row (members `idx` in territory order, their summed `totals`),
/// without its closing mergers.
pub(crate) fn district_row(
    territory: &Territory,
    graph: &ContiguityGraph,
    policy: &CompiledPolicy,
    name: &str,
    idx: &[usize],
    t: &[f64],
) -> DistrictAudit {
    let ms = territory.municipalities();
    let small_below = policy.file.policy.small_municipality_below;
    let group_by = policy.file.policy.group_by.as_deref();
    let c = policy.classify(t);
    let pop = t[POPULATION];
    let verdict = policy.verdict(t);
    let compliant = verdict.compliant;
    let status = if compliant {
        "compliant".to_string()
    } else if verdict.unknown.is_empty() {
        "non-compliant".to_string()
    } else {
        format!("unknown: {}", verdict.unknown.join(", "))
    };
    let mut comps = graph.components_of(idx);
    comps.sort_by_key(|p| std::cmp::Reverse(p.len()));
    let parts = if comps.len() > 1 {
        comps
            .iter()
            .map(|p| {
                let mut p: Vec<&usize> = p.iter().collect();
                p.sort_by(|a, b| ms[**a].code.cmp(&ms[**b].code));
                p.iter()
                    .map(|&&i| format!("{} {}", ms[i].code, ms[i].name))
                    .collect()
            })
            .collect()
    } else {
        Vec::new()
    };
    let group = group_by.map(|attr| majority_group(territory, idx, attr));
    DistrictAudit {
        name: name.to_string(),
        municipalities: idx.len(),
        small_municipalities: idx
            .iter()
            .filter(|&&i| ms[i].population < small_below)
            .count(),
        population: pop as u64,
        area_km2: t[AREA],
        density: pop / t[AREA],
        class: c.class,
        class_reason: c.reason,
        threshold: c.requirement.threshold,
        strict: c.requirement.strict,
        threshold_text: c.requirement.describe(),
        compliant,
        status,
        unknown: verdict.unknown,
        group,
        shortfall: c.requirement.shortfall(pop) as u64,
        contiguous_parts: comps.len(),
        parts,
        closing_mergers: Vec::new(),
    }
}

/// The order of an audit's rows: non-compliant first, then by name.
pub(crate) fn row_order(a: &DistrictAudit, b: &DistrictAudit) -> std::cmp::Ordering {
    a.compliant.cmp(&b.compliant).then(a.name.cmp(&b.name))
}

/// Region-wide figures from the district rows and the municipalities in no district.
pub(crate) fn region_summary<'a>(
    territory: &Territory,
    policy: &CompiledPolicy,
    rows: impl Iterator<Item = &'a DistrictAudit>,
    unassigned: &[usize],
) -> RegionSummary {
    let ms = territory.municipalities();
    let small_below = policy.file.policy.small_municipality_below;
    let (mut districts, mut compliant, mut unknown, mut split) = (0, 0, 0, 0);
    for d in rows {
        districts += 1;
        compliant += usize::from(d.compliant);
        unknown += usize::from(!d.unknown.is_empty());
        split += usize::from(d.contiguous_parts > 1);
    }
    let exempting = policy.file.policy.exempt_unassigned.is_some();
    RegionSummary {
        municipalities: ms.len(),
        small_below,
        small_municipalities: ms.iter().filter(|m| m.population < small_below).count(),
        population: territory.population(),
        districts,
        compliant_districts: compliant,
        non_compliant_districts: districts - compliant - unknown,
        unknown_districts: unknown,
        non_contiguous_districts: split,
        unassigned_municipalities: unassigned.len(),
        unassigned_exempt: unassigned
            .iter()
            .filter(|&&i| exempting && policy.is_exempt(i))
            .count(),
        unassigned_population: unassigned.iter().map(|&i| ms[i].population).sum(),
    }
}

/// The audit from its district rows: rows ordered, the summary, the municipalities in no
/// district, figures by group, the policy's provenance. `map_source` is `None` without a map,
/// `Some(source)` with one.
pub(crate) fn assemble(
    territory: &Territory,
    policy: &CompiledPolicy,
    map_source: Option<Option<String>>,
    mut districts: Vec<DistrictAudit>,
    district_of: &[Option<&str>],
    mergers: MergerSearch,
) -> Audit {
    let ms = territory.municipalities();
    let group_by = policy.file.policy.group_by.as_deref();
    districts.sort_by(row_order);
    let unassigned: Vec<usize> = (0..ms.len())
        .filter(|&i| district_of[i].is_none())
        .collect();
    let exemption = policy.file.policy.exempt_unassigned.as_ref();
    let unassigned_list: Vec<Unassigned> = unassigned
        .iter()
        .map(|&i| Unassigned {
            code: ms[i].code.to_string(),
            name: ms[i].name.clone(),
            population: ms[i].population,
            exemption: exemption
                .filter(|_| policy.is_exempt(i))
                .map(|x| x.description.clone()),
        })
        .collect();
    let groups = match (group_by, &map_source) {
        (Some(attr), Some(_)) => group_figures(territory, attr, &districts, district_of),
        _ => Vec::new(),
    };
    let summary = region_summary(territory, policy, districts.iter(), &unassigned);
    Audit {
        policy: PolicySummary {
            name: policy.file.policy.name.clone(),
            source: policy.file.policy.source.clone(),
            file: policy.file.path.display().to_string(),
            rules: policy.rules_in_words(),
            assumptions: policy.file.policy.assumptions.clone(),
        },
        territory_source: territory.source.display().to_string(),
        population_vintage: territory.population_vintage.clone(),
        district_map: map_source.flatten(),
        summary,
        districts,
        fragmentation: fragmentation(territory, policy),
        merger_search: mergers,
        unassigned: unassigned_list,
        group_by: group_by.map(str::to_string),
        groups,
        data_missing: policy
            .unknown_classes()
            .iter()
            .map(|(c, d)| format!("{c}: {d}"))
            .collect(),
    }
}

/// The value of `attr` held by most members (ties: the larger population, then the smaller
/// value), as the NOTRe law's "departement of the majority of its communes".
fn majority_group(territory: &Territory, idx: &[usize], attr: &str) -> String {
    let ms = territory.municipalities();
    let mut count: BTreeMap<&str, (usize, u64)> = BTreeMap::new();
    for &i in idx {
        let e = count
            .entry(ms[i].attribute(attr).unwrap_or(""))
            .or_default();
        e.0 += 1;
        e.1 += ms[i].population;
    }
    // BTreeMap order gives the smaller value first among equals.
    let mut best: Option<(&str, (usize, u64))> = None;
    for (k, v) in count {
        if best.is_none_or(|(_, b)| v > b) {
            best = Some((k, v));
        }
    }
    best.map_or(String::new(), |(k, _)| k.to_string())
}

fn group_figures(
    territory: &Territory,
    attr: &str,
    districts: &[DistrictAudit],
    district_of: &[Option<&str>],
) -> Vec<GroupFigures> {
    let mut out: BTreeMap<String, GroupFigures> = BTreeMap::new();
    let blank = |g: &str| GroupFigures {
        group: g.to_string(),
        districts: 0,
        compliant: 0,
        non_compliant: 0,
        unknown: 0,
        non_contiguous: 0,
        municipalities: 0,
        population: 0,
        unassigned: 0,
    };
    for (i, m) in territory.municipalities().iter().enumerate() {
        let g = m.attribute(attr).unwrap_or("");
        if !out.contains_key(g) {
            out.insert(g.to_string(), blank(g));
        }
        let Some(e) = out.get_mut(g) else { continue };
        e.municipalities += 1;
        e.population += m.population;
        if district_of[i].is_none() {
            e.unassigned += 1;
        }
    }
    for d in districts {
        let g = d.group.as_deref().unwrap_or("");
        let e = out.entry(g.to_string()).or_insert_with(|| blank(g));
        e.districts += 1;
        if d.compliant {
            e.compliant += 1;
        } else if d.unknown.is_empty() {
            e.non_compliant += 1;
        } else {
            e.unknown += 1;
        }
        if d.contiguous_parts > 1 {
            e.non_contiguous += 1;
        }
    }
    out.into_values().collect()
}

pub(crate) fn closing_mergers<'a>(
    name: &str,
    idx: &[usize],
    graph: &ContiguityGraph,
    district_of: impl Fn(usize) -> Option<&'a str>,
    totals: impl Fn(&str) -> Option<&'a [f64]>,
    policy: &CompiledPolicy,
) -> Vec<MergeOption> {
    let neighbours: BTreeSet<&str> = idx
        .iter()
        .flat_map(|&i| graph.neighbours(i).iter())
        .filter_map(|&j| district_of(j))
        .filter(|d| *d != name)
        .collect();
    let Some(own) = totals(name) else {
        return Vec::new();
    };
    let mut out: Vec<MergeOption> = neighbours
        .into_iter()
        .filter_map(|other| {
            let merged: Vec<f64> = own.iter().zip(totals(other)?).map(|(a, b)| a + b).collect();
            let pop = merged[POPULATION];
            // The requirement alone is cheap; the class's reason in words is built only for
            // the mergers kept.
            if !policy.requirement(&merged).is_met_by(pop) {
                return None;
            }
            let c = policy.classify(&merged);
            c.requirement.is_met_by(pop).then(|| MergeOption {
                with: other.to_string(),
                population: pop as u64,
                class: c.class,
                threshold_text: c.requirement.describe(),
            })
        })
        .collect();
    out.sort_by(|a, b| a.population.cmp(&b.population).then(a.with.cmp(&b.with)));
    out
}

/// Band edges for the size profile (inhabitants): the 5,000 small-municipality line of the
/// Italian debate and the thresholds of the reforms ambit ships.
const BANDS: [u64; 6] = [1_000, 5_000, 15_000, 25_000, 80_000, 120_000];

fn fragmentation(territory: &Territory, policy: &CompiledPolicy) -> Fragmentation {
    let ms = territory.municipalities();
    let mut bands: Vec<SizeBand> = (0..=BANDS.len())
        .map(|b| {
            let label = match b {
                0 => format!("under {}", crate::format_count(BANDS[0] as f64)),
                b if b == BANDS.len() => {
                    format!("{} and over", crate::format_count(BANDS[b - 1] as f64))
                }
                b => format!(
                    "{}-{}",
                    crate::format_count(BANDS[b - 1] as f64),
                    crate::format_count((BANDS[b] - 1) as f64)
                ),
            };
            SizeBand {
                label,
                municipalities: 0,
                population: 0,
            }
        })
        .collect();
    for m in ms {
        let b = BANDS
            .iter()
            .position(|&e| m.population < e)
            .unwrap_or(BANDS.len());
        bands[b].municipalities += 1;
        bands[b].population += m.population;
    }
    let mut pops: Vec<u64> = ms.iter().map(|m| m.population).collect();
    pops.sort_unstable();
    let n = pops.len();
    let median_population = if n == 0 {
        0.0
    } else if n % 2 == 1 {
        pops[n / 2] as f64
    } else {
        (pops[n / 2 - 1] + pops[n / 2]) as f64 / 2.0
    };
    let meeting_threshold_alone = (0..n)
        .filter(|&i| {
            let t = policy.unit_totals(i);
            policy.requirement(t).is_met_by(t[POPULATION])
        })
        .count();
    Fragmentation {
        bands,
        median_population,
        meeting_threshold_alone,
    }
}

#[cfg(test)]
mod tests {
    use super::MergerSearch;

    #[test]
    fn merger_search_in_json() {
        let cases = [
            (MergerSearch::All, r#""all""#),
            (MergerSearch::Skip, r#""skip""#),
            (
                MergerSearch::District("Seriate".into()),
                r#"{"district":"Seriate"}"#,
            ),
        ];
        for (search, json) in cases {
            assert_eq!(serde_json::to_string(&search).unwrap(), json);
            let back: MergerSearch = serde_json::from_str(json).unwrap();
            assert_eq!(back, search);
        }
        assert!(serde_json::from_str::<MergerSearch>(r#""some""#).is_err());
        assert!(MergerSearch::District("A".into()).includes("A"));
        assert!(!MergerSearch::District("A".into()).includes("B"));
    }
}

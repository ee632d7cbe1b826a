//! The printable report of a scenario: the document `ambit report` writes for a district map
//! (`ambit_report::report::districts`: audit section, compliance map, changes from a baseline),
//! rendered as one self-contained HTML page by `ambit_report::report::html`.

use crate::Region;
use ambit_report::report::districts::{self, DistrictMapReport, MapChanges};
use ambit_report::report::html;
use ambit_rules::{Audit, CompiledPolicy};
use ambit_store::ScenarioVersion;
use ambit_territory::DistrictMap;

/// A map the scenario is compared with in its report.
pub struct Baseline {
    /// How the report names it (a scenario and version, or a bundled map).
    pub name: String,
    /// The map.
    pub map: DistrictMap,
}

/// Renders the report page of scenario version `v`, whose map is `map` and audit `audit` under
/// `policy` (the scenario's own rules or the region's),
/// with the changes from `baseline` when given and the incentives they would earn for an
/// agreement on `date` (ISO). Without a boundary layer the report has no map.
pub fn render(
    region: &Region,
    policy: &CompiledPolicy,
    v: &ScenarioVersion,
    map: &DistrictMap,
    mut audit: Audit,
    baseline: Option<Baseline>,
    date: String,
) -> String {
    let map_name = format!("{} (version {})", v.name, v.version);
    // The map comes from the studio's database, not from a file: say so in the provenance.
    audit.district_map = Some(format!("scenario {map_name}, studio database"));
    let ds = &region.dataset;
    let compliance_svg = ds.boundaries().ok().map(|b| {
        districts::compliance_map(
            &format!("{} - compliance", audit.policy.name),
            &b,
            &ds.polygon_districts(map),
            &audit,
        )
    });
    let changes = baseline.map(|b| MapChanges::between(&ds.territory, &b.name, &b.map, map));
    let doc = districts::document(DistrictMapReport {
        title: format!("Scenario report: {}", v.name),
        subtitle: format!(
            "Version {} of the scenario, saved {}: {}.",
            v.version, v.created_at, v.message
        ),
        map_name,
        notes: v.content.notes.clone(),
        audit: &audit,
        compliance_svg,
        changes,
        incentives: &policy.file.policy.incentives,
        agreement_date: date,
    });
    html::render(&doc)
}

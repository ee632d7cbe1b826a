//! Report section of an audit: population against threshold per district (chart and table),
//! with the policy's class rules and assumptions as provenance.

use super::charts::{label, threshold_bars, ThresholdBar};
use super::{Block, Figure, FigureKind, ProvenanceEntry, Section, Table};
use ambit_rules::Audit;

/// Why the audit of a district map could not be added to a report.
#[derive(Debug, thiserror::Error)]
pub enum MapAuditError {
    /// The boundaries could not be read.
    #[error(transparent)]
    Data(#[from] ambit_territory::DataError),
    /// The compliance map is not an SVG a report takes.
    #[error(transparent)]
    Svg(#[from] super::SvgError),
}

/// Audits the district map `map` (named `name`) of `ds` under `policy` and adds it to `doc`
/// with its compliance map titled `title` ([`add_to`]); `data_label` names the data folder.
pub fn add_map_audit(
    doc: &mut super::Document,
    ds: &ambit_territory::Dataset,
    policy: &ambit_rules::CompiledPolicy,
    map: &ambit_territory::DistrictMap,
    name: &str,
    title: &str,
    data_label: String,
) -> Result<(), MapAuditError> {
    let audit = ambit_rules::audit(&ds.territory, &ds.graph, policy, Some(map));
    let svg = super::districts::compliance_map(
        &format!("Compliance of {title}"),
        &ds.boundaries()?,
        &ds.polygon_districts(map),
        &audit,
    );
    let svg = super::inline_svg("compliance map", &svg)?;
    add_to(doc, &audit, name, data_label, &ds.dir, svg);
    Ok(())
}

/// Adds the audit of the district map `name` to `doc`: its section, its compliance map
/// (`map_svg`, inline SVG), the data folder as the user named it (`data_label`) and the
/// provenance of the inputs, file paths relative to the data folder `data_dir`.
pub fn add_to(
    doc: &mut super::Document,
    a: &Audit,
    name: &str,
    data_label: String,
    data_dir: &std::path::Path,
    map_svg: String,
) {
    let (section, mut prov) = self::section(a);
    super::relative_sources(&mut prov, data_dir);
    doc.sections.push(section);
    doc.provenance.push(ProvenanceEntry {
        input: "data folder".into(),
        source: data_label,
        note: "file sources below are relative to it".into(),
    });
    doc.provenance.extend(prov);
    doc.sections.push(super::map_section(
        "map-compliance",
        &format!("Map: {name} against the thresholds"),
        &format!(
            "Comuni coloured by the compliance of their district ({name}); grey: in no district of this map. Boundaries: the data folder's boundary layer."
        ),
        map_svg,
    ));
}

/// The audit section and the provenance entries it adds (data vintage, district map, policy,
/// class rules, policy assumptions).
pub fn section(a: &Audit) -> (Section, Vec<ProvenanceEntry>) {
    let bars: Vec<ThresholdBar> = a
        .districts
        .iter()
        .map(|d| ThresholdBar {
            name: d.name.clone(),
            population: d.population as f64,
            threshold: d.threshold,
            compliant: d.compliant,
        })
        .collect();
    let s = &a.summary;
    let table = Table {
        caption: "Districts against their class threshold".into(),
        header: vec![
            "district".into(),
            "municipalities".into(),
            "population".into(),
            "class (reason)".into(),
            "threshold".into(),
            "compliant".into(),
            "shortfall".into(),
        ],
        rows: a
            .districts
            .iter()
            .map(|d| {
                vec![
                    d.name.clone(),
                    d.municipalities.to_string(),
                    label(d.population as f64),
                    format!("{} ({})", d.class, d.class_reason),
                    d.threshold_text.clone(),
                    if d.compliant { "yes" } else { "NO" }.into(),
                    label(d.shortfall as f64),
                ]
            })
            .collect(),
        numeric: vec![false, true, true, false, false, false, true],
    };
    // Districts whose verdict waits on data the table lacks (France: mountain zones), and
    // municipalities the policy lets stay out: said only when there are any.
    let mut extra = String::new();
    if s.unknown_districts > 0 {
        extra.push_str(&format!(
            " {} comply only if a rule whose data is missing applies ({}).",
            s.unknown_districts,
            a.data_missing.join("; ")
        ));
    }
    if s.unassigned_exempt > 0 {
        extra.push_str(&format!(
            " {} of the municipalities in no district are exempt by the policy.",
            s.unassigned_exempt
        ));
    }
    let section = Section {
        id: "audit".into(),
        title: "Districts against the thresholds".into(),
        blocks: vec![
            Block::Paragraph(format!(
                "{} districts audited under {}: {} compliant, {} below their threshold. The region has {} municipalities ({} under {}), population {}; {} municipalities are in no district of this map.{extra}",
                s.districts,
                a.policy.name,
                s.compliant_districts,
                s.non_compliant_districts,
                label(s.municipalities as f64),
                label(s.small_municipalities as f64),
                label(s.small_below as f64),
                label(s.population as f64),
                label(s.unassigned_municipalities as f64)
            )),
            Block::Figure(Figure {
                id: "audit-thresholds".into(),
                kind: FigureKind::Chart,
                caption: "Population of each district against the threshold of its class.".into(),
                svg: threshold_bars("Population against threshold", &bars),
            }),
            Block::Table(table),
        ],
    };
    let mut prov = vec![
        ProvenanceEntry {
            input: "municipalities".into(),
            source: a.territory_source.clone(),
            note: a
                .population_vintage
                .clone()
                .map(|v| format!("population {v}"))
                .unwrap_or_default(),
        },
        ProvenanceEntry {
            input: "district map (audit)".into(),
            source: a.district_map.clone().unwrap_or_else(|| "none".into()),
            note: String::new(),
        },
        ProvenanceEntry {
            input: "policy (audit)".into(),
            source: a.policy.file.clone(),
            note: format!(
                "{}; {}",
                a.policy.name,
                a.policy.source.clone().unwrap_or_default()
            ),
        },
    ];
    prov.extend(a.policy.rules.iter().map(|r| ProvenanceEntry {
        input: "class rule".into(),
        source: a.policy.file.clone(),
        note: r.clone(),
    }));
    prov.extend(a.policy.assumptions.iter().map(|r| ProvenanceEntry {
        input: "policy assumption".into(),
        source: a.policy.file.clone(),
        note: r.clone(),
    }));
    (section, prov)
}

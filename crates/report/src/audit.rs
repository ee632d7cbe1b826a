//! The audit as text: a terminal table, CSV, Markdown (JSON is its serde form).

use crate::table::Format;
use ambit_rules::audit::Audit;
use ambit_rules::format_count;
use ambit_rules::CompiledPolicy;
use ambit_territory::{DataError, Dataset, DistrictMap};
use std::fmt::Write as _;

/// `ambit audit`'s output: the audit of the district map `map` of `ds` (none: the region
/// alone) under `policy`, rendered in `format`, followed in the text and Markdown formats by
/// the compactness of the map's districts.
pub fn audit_document(
    ds: &Dataset,
    policy: &CompiledPolicy,
    map: Option<&DistrictMap>,
    format: Format,
) -> Result<String, DataError> {
    let audit = ambit_rules::audit(&ds.territory, &ds.graph, policy, map);
    let scores = match map {
        Some(m) if with_compactness(format) => crate::compactness::scores(ds, m)?,
        _ => None,
    };
    Ok(render(
        &audit,
        map.map(|m| (ds, m)),
        scores.as_ref(),
        format,
    ))
}

/// The formats that hold several tables, where the compactness table follows the audit.
fn with_compactness(format: Format) -> bool {
    matches!(format, Format::Table | Format::Markdown)
}

fn render(
    a: &Audit,
    map: Option<(&Dataset, &DistrictMap)>,
    scores: Option<&std::collections::BTreeMap<String, f64>>,
    format: Format,
) -> String {
    let after = match map {
        Some((ds, m)) if with_compactness(format) => {
            let names: Vec<String> = a.districts.iter().map(|d| d.name.clone()).collect();
            let table = crate::compactness::of_map_scored(ds, m, &names, scores).table();
            format!("\n{}", table.render(format))
        }
        _ => String::new(),
    };
    match format {
        Format::Table => to_text(a) + &after,
        Format::Markdown => to_markdown(a) + &after,
        Format::Csv => to_csv(a),
        // an audit holds strings and finite numbers: it always serialises
        Format::Json => serde_json::to_string_pretty(a).unwrap_or_default() + "\n",
    }
}

/// Formats a float with thousands separators and `decimals` digits.
pub fn format_decimal(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let int = format_count(int.parse::<f64>().unwrap_or(0.0));
    let sign = if v < 0.0 { "-" } else { "" };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

/// Lays out rows under a header with columns padded to their widest cell; numbers right-aligned.
pub fn text_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let n = header.len();
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            width[i] = width[i].max(c.chars().count());
        }
    }
    let numeric: Vec<bool> = (0..n)
        .map(|i| {
            rows.iter().all(|r| {
                r[i].chars()
                    .all(|c| c.is_ascii_digit() || ",.-% ".contains(c))
            })
        })
        .collect();
    let mut out = String::new();
    let line = |cells: Vec<&str>, out: &mut String| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = width[i] - c.chars().count();
                if numeric[i] {
                    format!("{}{c}", " ".repeat(pad))
                } else {
                    format!("{c}{}", " ".repeat(pad))
                }
            })
            .collect();
        out.push_str(parts.join("  ").trim_end());
        out.push('\n');
    };
    line(header.to_vec(), &mut out);
    let rule: Vec<String> = width.iter().map(|w| "-".repeat(*w)).collect();
    out.push_str(&rule.join("  "));
    out.push('\n');
    for r in rows {
        line(r.iter().map(String::as_str).collect(), &mut out);
    }
    out
}

const DISTRICT_HEADER: [&str; 11] = [
    "district",
    "comuni",
    "under 5k",
    "population",
    "km2",
    "inh/km2",
    "class",
    "threshold",
    "compliant",
    "shortfall",
    "merger that closes the gap",
];

fn district_rows(a: &Audit) -> Vec<Vec<String>> {
    a.districts
        .iter()
        .map(|d| {
            vec![
                d.name.clone(),
                d.municipalities.to_string(),
                d.small_municipalities.to_string(),
                format_count(d.population as f64),
                format_decimal(d.area_km2, 1),
                format_decimal(d.density, 1),
                d.class.clone(),
                d.threshold_text.clone(),
                if d.compliant {
                    "yes"
                } else if !d.unknown.is_empty() {
                    "unknown"
                } else {
                    "NO"
                }
                .to_string(),
                format_count(d.shortfall as f64),
                merger_text(d),
            ]
        })
        .collect()
}

fn merger_text(d: &ambit_rules::DistrictAudit) -> String {
    if d.compliant {
        return String::new();
    }
    match d.closing_mergers.first() {
        Some(m) if d.closing_mergers.len() == 1 => {
            format!("{} ({})", m.with, format_count(m.population as f64))
        }
        Some(m) => format!(
            "{} ({}) or {} more",
            m.with,
            format_count(m.population as f64),
            d.closing_mergers.len() - 1
        ),
        None => "no single neighbour".into(),
    }
}

fn summary_rows(a: &Audit) -> Vec<(String, String)> {
    let s = &a.summary;
    let mut rows = vec![
        (
            "municipalities".to_string(),
            format_count(s.municipalities as f64),
        ),
        (
            format!(
                "municipalities under {}",
                format_count(s.small_below as f64)
            ),
            format_count(s.small_municipalities as f64),
        ),
        ("population".into(), format_count(s.population as f64)),
        (
            "median municipal population".into(),
            format_decimal(a.fragmentation.median_population, 0),
        ),
        (
            "municipalities meeting a threshold alone".into(),
            format_count(a.fragmentation.meeting_threshold_alone as f64),
        ),
    ];
    if a.district_map.is_some() {
        rows.extend([
            ("districts".into(), s.districts.to_string()),
            (
                "compliant districts".into(),
                s.compliant_districts.to_string(),
            ),
            (
                "non-compliant districts".into(),
                s.non_compliant_districts.to_string(),
            ),
        ]);
        if s.unknown_districts > 0 {
            rows.push((
                "districts undecided (data missing)".into(),
                s.unknown_districts.to_string(),
            ));
        }
        rows.extend([
            (
                "non-contiguous districts".into(),
                s.non_contiguous_districts.to_string(),
            ),
            (
                "municipalities in no district".into(),
                format_count(s.unassigned_municipalities as f64),
            ),
            (
                "population in no district".into(),
                format_count(s.unassigned_population as f64),
            ),
        ]);
        if s.unassigned_exempt > 0 {
            rows.push((
                "of them exempt by the policy".into(),
                format_count(s.unassigned_exempt as f64),
            ));
        }
    }
    rows
}

/// A titled table of the audit beyond the district list.
struct Section {
    title: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// Sections that appear only when they have something to say: districts undecided for
/// missing data, districts not in one piece (with their parts), unassigned municipalities
/// when the policy exempts some, figures by the policy's `group_by`.
fn sections(a: &Audit) -> Vec<Section> {
    let mut out = Vec::new();
    let undecided: Vec<Vec<String>> = a
        .districts
        .iter()
        .filter(|d| !d.unknown.is_empty())
        .map(|d| {
            vec![
                d.name.clone(),
                format_count(d.population as f64),
                format!("{} ({})", d.class, d.threshold_text),
                d.unknown.join(", "),
            ]
        })
        .collect();
    if !undecided.is_empty() {
        out.push(Section {
            title: "districts that comply only if a rule whose data is missing applies".into(),
            header: [
                "district",
                "population",
                "class on the data present",
                "data missing",
            ]
            .map(String::from)
            .to_vec(),
            rows: undecided,
        });
    }
    let split: Vec<Vec<String>> = a
        .districts
        .iter()
        .filter(|d| d.parts.len() > 1)
        .map(|d| {
            let parts: Vec<String> = d
                .parts
                .iter()
                .map(|p| {
                    if p.len() <= 3 {
                        p.join(", ")
                    } else {
                        format!("{} municipalities", p.len())
                    }
                })
                .collect();
            vec![d.name.clone(), d.parts.len().to_string(), parts.join(" | ")]
        })
        .collect();
    if !split.is_empty() {
        out.push(Section {
            title: "districts not in one piece".into(),
            header: ["district", "parts", "the parts (largest first)"]
                .map(String::from)
                .to_vec(),
            rows: split,
        });
    }
    if a.unassigned.iter().any(|u| u.exemption.is_some()) {
        out.push(Section {
            title: "municipalities in no district".into(),
            header: ["code", "municipality", "population", "exemption"]
                .map(String::from)
                .to_vec(),
            rows: a
                .unassigned
                .iter()
                .map(|u| {
                    vec![
                        u.code.clone(),
                        u.name.clone(),
                        format_count(u.population as f64),
                        u.exemption.clone().unwrap_or_else(|| "none".into()),
                    ]
                })
                .collect(),
        });
    }
    if let Some(by) = a.group_by.as_ref().filter(|_| !a.groups.is_empty()) {
        out.push(Section {
            title: format!("by {by} (a district counts where most of its members are)"),
            header: [
                by.as_str(),
                "districts",
                "compliant",
                "non-compliant",
                "undecided",
                "not in one piece",
                "municipalities",
                "in no district",
                "population",
            ]
            .map(String::from)
            .to_vec(),
            rows: a
                .groups
                .iter()
                .map(|g| {
                    vec![
                        g.group.clone(),
                        g.districts.to_string(),
                        g.compliant.to_string(),
                        g.non_compliant.to_string(),
                        g.unknown.to_string(),
                        g.non_contiguous.to_string(),
                        format_count(g.municipalities as f64),
                        g.unassigned.to_string(),
                        format_count(g.population as f64),
                    ]
                })
                .collect(),
        });
    }
    out
}

fn provenance(a: &Audit) -> Vec<String> {
    let mut v = vec![
        format!("policy: {} ({})", a.policy.name, a.policy.file),
        format!("municipalities: {}", a.territory_source),
    ];
    if let Some(p) = &a.population_vintage {
        v.push(format!("population: {p}"));
    }
    v.push(format!(
        "district map: {}",
        a.district_map
            .as_deref()
            .unwrap_or("none (fragmentation profile only)")
    ));
    v
}

/// The audit as a terminal report.
pub fn to_text(a: &Audit) -> String {
    let mut out = String::new();
    for p in provenance(a) {
        let _ = writeln!(out, "{p}");
    }
    let _ = writeln!(out, "class rules (first that holds applies):");
    for r in &a.policy.rules {
        let _ = writeln!(out, "  {r}");
    }
    for r in &a.policy.assumptions {
        let _ = writeln!(out, "  assumption: {r}");
    }
    out.push('\n');
    let rows: Vec<Vec<String>> = summary_rows(a)
        .into_iter()
        .map(|(k, v)| vec![k, v])
        .collect();
    out.push_str(&text_table(&["region", "value"], &rows));
    out.push('\n');
    let bands: Vec<Vec<String>> = a
        .fragmentation
        .bands
        .iter()
        .map(|b| {
            vec![
                b.label.clone(),
                format_count(b.municipalities as f64),
                format_count(b.population as f64),
            ]
        })
        .collect();
    out.push_str(&text_table(
        &["inhabitants", "municipalities", "population"],
        &bands,
    ));
    if !a.districts.is_empty() {
        out.push('\n');
        out.push_str(&text_table(&DISTRICT_HEADER, &district_rows(a)));
        out.push_str("\nclass reasons:\n");
        for d in &a.districts {
            let _ = writeln!(out, "  {}: {} because {}", d.name, d.class, d.class_reason);
        }
    }
    for s in sections(a) {
        let header: Vec<&str> = s.header.iter().map(String::as_str).collect();
        let _ = write!(out, "\n{}:\n", s.title);
        out.push_str(&text_table(&header, &s.rows));
    }
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

fn md_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("| {} |\n", header.join(" | "));
    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| md_escape(c)).collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// The audit as Markdown.
pub fn to_markdown(a: &Audit) -> String {
    let mut out = format!("# Audit: {}\n\n", md_escape(&a.policy.name));
    for p in provenance(a) {
        let _ = writeln!(out, "- {}", md_escape(&p));
    }
    out.push_str("\n## Class rules\n\nThe first class whose rule holds applies.\n\n");
    for r in &a.policy.rules {
        let _ = writeln!(out, "- `{r}`");
    }
    for r in &a.policy.assumptions {
        let _ = writeln!(out, "- Assumption: {}", md_escape(r));
    }
    out.push_str("\n## Region\n\n");
    let rows: Vec<Vec<String>> = summary_rows(a)
        .into_iter()
        .map(|(k, v)| vec![k, v])
        .collect();
    out.push_str(&md_table(&["", "value"], &rows));
    if !a.districts.is_empty() {
        out.push_str("\n## Districts\n\n");
        out.push_str(&md_table(&DISTRICT_HEADER, &district_rows(a)));
    }
    for s in sections(a) {
        let header: Vec<&str> = s.header.iter().map(String::as_str).collect();
        let mut title = s.title;
        if let Some(c) = title.get_mut(0..1) {
            c.make_ascii_uppercase();
        }
        let _ = write!(out, "\n## {}\n\n", md_escape(&title));
        out.push_str(&md_table(&header, &s.rows));
    }
    out
}

/// The per-district audit as CSV (one row per district).
pub fn to_csv(a: &Audit) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "district",
        "municipalities",
        "small_municipalities",
        "population",
        "area_km2",
        "density",
        "class",
        "class_reason",
        "threshold",
        "strict",
        "compliant",
        "shortfall",
        "contiguous_parts",
        "closing_mergers",
        "status",
        "group",
    ]);
    for d in &a.districts {
        let mergers: Vec<String> = d.closing_mergers.iter().map(|m| m.with.clone()).collect();
        let _ = w.write_record([
            d.name.clone(),
            d.municipalities.to_string(),
            d.small_municipalities.to_string(),
            d.population.to_string(),
            format!("{:.3}", d.area_km2),
            format!("{:.1}", d.density),
            d.class.clone(),
            d.class_reason.clone(),
            d.threshold.to_string(),
            d.strict.to_string(),
            d.compliant.to_string(),
            d.shortfall.to_string(),
            d.contiguous_parts.to_string(),
            mergers.join("|"),
            d.status.clone(),
            d.group.clone().unwrap_or_default(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_and_tables() {
        assert_eq!(format_decimal(1234567.891, 1), "1,234,567.9");
        assert_eq!(format_decimal(-0.5, 0), "-0");
        let t = text_table(
            &["a", "n"],
            &[
                vec!["x".into(), "1,000".into()],
                vec!["yy".into(), "5".into()],
            ],
        );
        assert_eq!(t, "a       n\n--  -----\nx   1,000\nyy      5\n");
    }
}

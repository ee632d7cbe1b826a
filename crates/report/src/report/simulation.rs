//! Report sections of an uptake simulation (`ambit simulate`): outcomes over time with their
//! intervals, who stays non-compliant and why, the groupings, the calibration and its fit,
//! every parameter with its source, and the policy variants side by side.

use super::charts::{fan_chart, histogram, interval_chart, label, FanPoint};
use super::{Block, Document, Figure, FigureKind, ProvenanceEntry, Section, Table};
use ambit_sim::simulate::{Arm, WindowReport};
use ambit_sim::stats::Summary;
use ambit_sim::SimulationResult;

/// `median [q05, q95]` with thousands separators.
pub fn interval(s: &Summary) -> String {
    format!("{} [{}, {}]", label(s.q50), label(s.q05), label(s.q95))
}

fn pct(p: f64) -> String {
    format!("{:.1}%", 100.0 * p)
}

fn chart(id: &str, caption: &str, svg: String) -> Block {
    Block::Figure(Figure {
        id: id.to_string(),
        kind: FigureKind::Chart,
        caption: caption.to_string(),
        svg,
    })
}

const WINDOW_METRICS: [(&str, &str); 7] = [
    ("subscribed", "new agreements"),
    ("merges", "voluntary mergers"),
    ("imposed", "imposed mergers"),
    ("standby", "on stand-by"),
    ("noncompliant", "non-compliant districts"),
    ("districts", "districts"),
    ("spend_eur", "region spend (EUR)"),
];

fn window_table(arm: &Arm, caption: &str) -> Table {
    let mut header = vec!["window".to_string(), "premium (EUR)".to_string()];
    header.extend(WINDOW_METRICS.iter().map(|(_, h)| h.to_string()));
    let rows = arm
        .windows
        .iter()
        .map(|w| {
            let mut row = vec![w.window.label.clone(), label(w.window.incentive_eur as f64)];
            row.extend(WINDOW_METRICS.iter().map(|(m, _)| {
                w.metric(m)
                    .map(|x| interval(&x.summary))
                    .unwrap_or_default()
            }));
            row
        })
        .collect();
    let mut numeric = vec![false];
    numeric.extend([true; WINDOW_METRICS.len() + 1]);
    Table {
        caption: caption.to_string(),
        header,
        rows,
        numeric,
    }
}

fn fan(arm: &Arm, metric: &str) -> Vec<FanPoint> {
    arm.windows
        .iter()
        .filter_map(|w: &WindowReport| {
            w.metric(metric).map(|m| FanPoint {
                label: w.window.label.clone(),
                q: [
                    m.summary.q05,
                    m.summary.q25,
                    m.summary.q50,
                    m.summary.q75,
                    m.summary.q95,
                ],
            })
        })
        .collect()
}

/// A scenario report titled `title`, else after the simulated scenario: the document
/// `ambit report` fills with an audit, maps and the simulation ([`add_to`]).
pub fn scenario_document(title: Option<String>, simulation: Option<&SimulationResult>) -> Document {
    let title = title.unwrap_or_else(|| match simulation {
        Some(s) => format!("Scenario report: {}", s.scenario),
        None => "Scenario report".into(),
    });
    Document::new(
        &title,
        "Audit, maps and uptake simulation of a district reform, with the provenance of every input.",
    )
}

/// Adds the sections of a simulation report and its provenance entries to `doc`.
pub fn add_to(doc: &mut Document, r: &SimulationResult) {
    let (sections, provenance) = sections(r);
    doc.sections.extend(sections);
    doc.provenance.extend(provenance);
}

/// The sections of a simulation report and the provenance entries it adds.
pub fn sections(r: &SimulationResult) -> (Vec<Section>, Vec<ProvenanceEntry>) {
    let mut out = Vec::new();
    let Some(base) = r.arms.first() else {
        return (out, Vec::new());
    };
    let observed_at = r.calibration.as_ref().and_then(|c| {
        base.windows
            .iter()
            .position(|w| w.window.deadline == c.observed.deadline)
            .map(|i| (i, c.observed.clone()))
    });
    let last = base.windows.len().saturating_sub(1);
    let last_label = base
        .windows
        .last()
        .map(|w| w.window.label.clone())
        .unwrap_or_default();

    // Overview: outcomes over time.
    let mut blocks = vec![
        Block::Paragraph(r.description.clone()),
        Block::Paragraph(format!(
            "{} Monte Carlo runs per policy (master seed {}), cycling through {} parameter sets{}. Figures are medians with 90% intervals (5% and 95% quantiles of the runs), never single forecasts.",
            label(r.options.runs as f64),
            r.options.seed,
            r.parameter_sets,
            if r.calibration.is_some() {
                " drawn from the calibration's posterior"
            } else {
                ""
            }
        )),
        Block::Table(window_table(base, &format!("Outcomes at the end of each window under {}", base.policy.name))),
    ];
    let observed_points: Vec<(usize, f64, String)> = observed_at
        .iter()
        .map(|(i, o)| {
            (
                *i,
                o.subscribed as f64,
                format!("observed {}", o.subscribed),
            )
        })
        .collect();
    let obs_refs: Vec<(usize, f64, &str)> = observed_points
        .iter()
        .map(|(i, v, t)| (*i, *v, t.as_str()))
        .collect();
    blocks.push(chart(
        "fan-subscribed",
        "Districts that adopted the new agreement by the end of each window (merged districts counted once): median, 50% and 90% of runs; red: the observed count.",
        fan_chart("New agreements over time", "districts", &fan(base, "subscribed"), &obs_refs),
    ));
    blocks.push(chart(
        "fan-noncompliant",
        "Non-compliant districts in the map at the end of each window.",
        fan_chart(
            "Non-compliant districts over time",
            "districts",
            &fan(base, "noncompliant"),
            &[],
        ),
    ));
    if let Some(m) = base.windows.get(last).and_then(|w| w.metric("merges")) {
        let marker = observed_at
            .as_ref()
            .filter(|(i, _)| *i == last)
            .map(|(_, o)| (o.merges as f64, format!("observed {}", o.merges)));
        blocks.push(chart(
            "hist-merges",
            &format!("Distribution of voluntary mergers by {last_label} over the runs."),
            histogram(
                &format!("Voluntary mergers by {last_label}"),
                "mergers",
                &m.histogram,
                marker.as_ref().map(|(v, t)| (*v, t.as_str())),
            ),
        ));
    }
    if let Some(m) = base.windows.get(last).and_then(|w| w.metric("spend_eur")) {
        blocks.push(chart(
            "hist-spend",
            &format!("Distribution of the region's spend (first and second level premiums) by {last_label}."),
            histogram(&format!("Region spend by {last_label} (EUR)"), "EUR", &m.histogram, None),
        ));
    }
    out.push(Section {
        id: "sim-outcomes".into(),
        title: format!("Uptake simulation: {}", r.scenario),
        blocks,
    });

    // Who stays non-compliant and why.
    let reasons = Table {
        caption: format!("Below-threshold districts still non-compliant after {last_label}, by reason (districts per run)"),
        header: vec!["reason".into(), "median [90%]".into(), "mean".into()],
        rows: base
            .reasons
            .iter()
            .map(|x| vec![x.explanation.clone(), interval(&x.districts), format!("{:.2}", x.districts.mean)])
            .collect(),
        numeric: vec![false, true, true],
    };
    let mut below: Vec<_> = base
        .districts
        .iter()
        .filter(|d| !d.compliant_baseline)
        .collect();
    below.sort_by(|a, b| {
        a.p_compliant_end
            .total_cmp(&b.p_compliant_end)
            .then(a.district.cmp(&b.district))
    });
    let districts = Table {
        caption: "Districts below threshold in the baseline: chance of ending compliant, and the reasons when they do not".into(),
        header: vec!["district".into(), "P(compliant at end)".into(), "reasons (share of runs)".into()],
        rows: below
            .iter()
            .map(|d| {
                let reasons: Vec<String> = d
                    .reasons
                    .iter()
                    .map(|(r, p)| format!("{} {}", r.explain(), pct(*p)))
                    .collect();
                vec![d.district.clone(), pct(d.p_compliant_end), reasons.join("; ")]
            })
            .collect(),
        numeric: vec![false, true, false],
    };
    out.push(Section {
        id: "sim-noncompliant".into(),
        title: "Which districts stay non-compliant, and why".into(),
        blocks: vec![Block::Table(reasons), Block::Table(districts)],
    });

    // Groupings.
    let mut header = vec![
        "grouping".to_string(),
        "members".into(),
        "score (basis)".into(),
    ];
    header.extend(
        base.windows
            .iter()
            .map(|w| format!("P(merged by {})", w.window.label)),
    );
    header.extend(["P(dissolved)".to_string(), "P(imposed)".into()]);
    let n = header.len();
    out.push(Section {
        id: "sim-groupings".into(),
        title: "Candidate groupings".into(),
        blocks: vec![Block::Table(Table {
            caption: "Each grouping's assessment score and its chance of merging by each deadline"
                .into(),
            header,
            rows: base
                .groupings
                .iter()
                .map(|g| {
                    let mut row = vec![
                        g.name.clone(),
                        g.members.join(", "),
                        format!("{:.2} ({})", g.score, g.score_basis),
                    ];
                    row.extend(g.p_merged_by_window.iter().map(|p| pct(*p)));
                    row.push(pct(g.p_dissolved));
                    row.push(pct(g.p_imposed));
                    row
                })
                .collect(),
            numeric: (0..n).map(|i| i >= 3).collect(),
        })],
    });

    // Calibration.
    if let Some(c) = &r.calibration {
        let fits = Table {
            caption: "Fitted parameters: uniform prior, posterior median and 90% interval, and the posterior interval's width relative to the prior's (near 1: the data do not inform it)".into(),
            header: vec!["parameter".into(), "prior".into(), "posterior median [90%]".into(), "interval / prior".into()],
            rows: c
                .fits
                .iter()
                .map(|f| {
                    vec![
                        f.name.clone(),
                        format!("U({}, {})", f.prior[0], f.prior[1]),
                        format!("{:.2} [{:.2}, {:.2}]", f.posterior.q50, f.posterior.q05, f.posterior.q95),
                        format!("{:.2}", f.interval_ratio),
                    ]
                })
                .collect(),
            numeric: vec![false, false, true, true],
        };
        let predictive = Table {
            caption: format!("Posterior predictive check at {}", c.observed.deadline),
            header: vec![
                "count".into(),
                "observed".into(),
                "predicted median [90%]".into(),
            ],
            rows: c
                .predictive
                .iter()
                .map(|p| vec![p.metric.clone(), label(p.observed), interval(&p.predicted)])
                .collect(),
            numeric: vec![false, true, true],
        };
        out.push(Section {
            id: "sim-calibration".into(),
            title: "Calibration to the observed outcome".into(),
            blocks: vec![
                Block::Paragraph(format!(
                    "Observed at {}: {} districts subscribed, {} of them mergers, {} on stand-by ({}).",
                    c.observed.deadline, c.observed.subscribed, c.observed.merges, c.observed.standby, c.observed.source
                )),
                Block::Paragraph(format!("Method: {}. Effective tolerance (largest accepted distance): {:.3}.", c.method, c.tolerance)),
                Block::Table(fits),
                Block::Table(predictive),
            ],
        });
    }

    // Model.
    let params = Table {
        caption: "Every parameter, the value used in the runs, and its source".into(),
        header: vec![
            "parameter".into(),
            "meaning".into(),
            "value used".into(),
            "source".into(),
        ],
        rows: r
            .parameters
            .iter()
            .map(|p| {
                let v = match (&p.fixed, &p.used) {
                    (Some(v), _) => format!("{v}"),
                    (None, Some(u)) => format!("{:.2} [{:.2}, {:.2}]", u.q50, u.q05, u.q95),
                    _ => String::new(),
                };
                vec![p.name.clone(), p.meaning.clone(), v, p.source.clone()]
            })
            .collect(),
        numeric: vec![false, false, true, false],
    };
    out.push(Section {
        id: "sim-model".into(),
        title: "Model: stated assumptions and parameters".into(),
        blocks: vec![Block::List(r.assumptions.clone()), Block::Table(params)],
    });

    // Variants.
    if !r.differences.is_empty() {
        let mut blocks = Vec::new();
        for (arm, diff) in r.arms.iter().skip(1).zip(&r.differences) {
            blocks.push(Block::Table(window_table(
                arm,
                &format!("Variant {}: {}", arm.name, arm.policy.name),
            )));
            let metrics = [
                "subscribed",
                "merges",
                "imposed",
                "noncompliant",
                "spend_eur",
            ];
            let rows = diff
                .windows
                .iter()
                .map(|(label_w, ms)| {
                    let mut row = vec![label_w.clone()];
                    row.extend(metrics.iter().map(|m| {
                        ms.iter()
                            .find(|(n, _)| n == m)
                            .map(|(_, s)| interval(s))
                            .unwrap_or_default()
                    }));
                    row
                })
                .collect();
            let mut header = vec!["window".to_string()];
            header.extend(metrics.iter().map(|m| format!("Δ {m}")));
            blocks.push(Block::Table(Table {
                caption: format!(
                    "{} minus baseline, run by run on the same seeds: median [90% interval]",
                    arm.name
                ),
                header,
                rows,
                numeric: vec![false, true, true, true, true, true],
            }));
            if let Some((_, ms)) = diff.windows.last() {
                let rows: Vec<(String, [f64; 3])> =
                    ["subscribed", "merges", "imposed", "noncompliant"]
                        .iter()
                        .filter_map(|m| ms.iter().find(|(n, _)| n == m))
                        .map(|(n, s)| (n.clone(), [s.q05, s.q50, s.q95]))
                        .collect();
                blocks.push(chart(
                    &format!("diff-{}", slug(&arm.name)),
                    &format!("{} minus baseline after {last_label}: median and 90% interval of the paired difference.", arm.name),
                    interval_chart(&format!("{} minus baseline, {last_label}", arm.name), &rows),
                ));
            }
        }
        out.push(Section {
            id: "sim-variants".into(),
            title: "Policy variants side by side".into(),
            blocks,
        });
    }

    let mut provenance: Vec<ProvenanceEntry> = r
        .provenance
        .iter()
        .map(|p| ProvenanceEntry {
            input: p.input.clone(),
            source: p.path.clone(),
            note: p.note.clone(),
        })
        .collect();
    for arm in r.arms.iter().skip(1) {
        provenance.push(ProvenanceEntry {
            input: format!("policy variant {}", arm.name),
            source: arm.policy_path.clone(),
            note: format!("{}; {}", arm.policy.name, arm.policy.source),
        });
    }
    provenance.push(ProvenanceEntry {
        input: "model assumptions".into(),
        source: "ambit-sim (crates/sim/MODEL.md)".into(),
        note: format!(
            "{} stated assumptions, {} parameters (listed in the model section)",
            r.assumptions.len(),
            r.parameters.len()
        ),
    });
    (out, provenance)
}

/// Letters, digits and `-` only (for ids and file names).
pub fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

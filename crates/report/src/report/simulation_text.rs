//! The plain-text summary of a simulation that `ambit simulate` prints: inputs, assumptions,
//! parameters with their sources, the calibration's fit, each arm's outcomes and the variants'
//! differences from the baseline on the same seeds.

use ambit_sim::calibrate::Calibration;
use ambit_sim::simulate::{Arm, Difference};
use ambit_sim::stats::Summary;
use ambit_sim::SimulationResult;
use std::fmt::Write as _;

fn iv(s: &Summary) -> String {
    format!("{} [{}, {}]", num(s.q50), num(s.q05), num(s.q95))
}

fn num(x: f64) -> String {
    if (x.fract() == 0.0 && x.abs() < 1e15) || x.abs() >= 1000.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// The plain-text summary printed by `ambit simulate`.
pub fn render(r: &SimulationResult) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Scenario: {}", r.scenario);
    let _ = writeln!(s, "\nInputs:");
    for p in &r.provenance {
        let _ = writeln!(s, "  {:<20} {}  ({})", p.input, p.path, p.note);
    }
    let _ = writeln!(s, "\nModel assumptions:");
    for (i, a) in r.assumptions.iter().enumerate() {
        let _ = writeln!(s, "  {}. {a}", i + 1);
    }
    let _ = writeln!(s, "\nParameters (value used in the runs; source):");
    for p in &r.parameters {
        let value = match (&p.fixed, &p.used) {
            (Some(v), _) => format!("fixed {}", num(*v)),
            (None, Some(u)) => format!(
                "median {} [90%: {}, {}]",
                num(u.q50),
                num(u.q05),
                num(u.q95)
            ),
            _ => "-".into(),
        };
        let _ = writeln!(s, "  {:<24} {:<34} {}", p.name, value, p.source);
    }
    if let Some(c) = &r.calibration {
        render_calibration(&mut s, c);
    }
    let _ = writeln!(
        s,
        "\nResults: {} runs per policy, seed {}, {} parameter sets; median [90% interval]",
        r.options.runs, r.options.seed, r.parameter_sets
    );
    for arm in &r.arms {
        render_arm(&mut s, arm);
    }
    for d in &r.differences {
        render_difference(&mut s, d);
    }
    s
}

fn render_calibration(s: &mut String, c: &Calibration) {
    let _ = writeln!(s, "\nCalibration: {}", c.method);
    let _ = writeln!(
        s,
        "  tolerance (largest accepted distance): {:.3}",
        c.tolerance
    );
    let _ = writeln!(
        s,
        "  {:<18} {:<16} {:<30} interval/prior",
        "parameter", "prior", "posterior median [90%]"
    );
    for f in &c.fits {
        let _ = writeln!(
            s,
            "  {:<18} {:<16} {:<30} {:.2}",
            f.name,
            format!("U({}, {})", num(f.prior[0]), num(f.prior[1])),
            iv(&f.posterior),
            f.interval_ratio
        );
    }
    let _ = writeln!(
        s,
        "  posterior predictive check at {}:",
        c.observed.deadline
    );
    for p in &c.predictive {
        let _ = writeln!(
            s,
            "    {:<12} observed {:>4}   predicted {}",
            p.metric,
            num(p.observed),
            iv(&p.predicted)
        );
    }
}

fn render_arm(s: &mut String, arm: &Arm) {
    let _ = writeln!(
        s,
        "\n[{}] policy {} ({})",
        arm.name, arm.policy.name, arm.policy_path
    );
    let cols = [
        "subscribed",
        "merges",
        "imposed",
        "standby",
        "noncompliant",
        "districts",
        "spend_eur",
    ];
    let _ = write!(s, "  {:<10} {:>9}", "window", "premium");
    for c in cols {
        let _ = write!(s, " {:>20}", c);
    }
    let _ = writeln!(s);
    for w in &arm.windows {
        let _ = write!(s, "  {:<10} {:>9}", w.window.label, w.window.incentive_eur);
        for c in cols {
            let v = w.metric(c).map(|m| iv(&m.summary)).unwrap_or_default();
            let _ = write!(s, " {:>20}", v);
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "  below-threshold districts still non-compliant at the end, by reason:"
    );
    for r in &arm.reasons {
        let _ = writeln!(s, "    {:<56} {}", r.explanation, iv(&r.districts));
    }
}

fn render_difference(s: &mut String, d: &Difference) {
    let _ = writeln!(
        s,
        "\n[{} minus baseline] paired on the same seeds; median [90% interval] of the difference",
        d.variant
    );
    for (label, metrics) in &d.windows {
        let parts: Vec<String> = metrics
            .iter()
            .filter(|(m, _)| {
                [
                    "subscribed",
                    "merges",
                    "imposed",
                    "noncompliant",
                    "spend_eur",
                ]
                .contains(&m.as_str())
            })
            .map(|(m, sum)| format!("{m} {}", iv(sum)))
            .collect();
        let _ = writeln!(s, "  {:<10} {}", label, parts.join("; "));
    }
}

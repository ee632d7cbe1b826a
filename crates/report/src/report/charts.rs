//! SVG charts for reports: histograms, fan charts over time, population against threshold,
//! and interval (forest) charts of paired differences. Each returns a standalone `<svg>` string
//! with a `<title>`, a `viewBox` and class names, so it prints and scales with the page.

use std::fmt::Write as _;

/// Escapes text for XML/HTML content and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A number for an axis label: thousands separators, at most one decimal.
pub fn label(v: f64) -> String {
    if v.fract().abs() < 1e-9 || v.abs() >= 100.0 {
        ambit_rules::format_count(v.round())
    } else {
        format!("{v:.1}")
    }
}

const W: f64 = 640.0;
const H: f64 = 300.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 36.0;
const BOTTOM: f64 = 48.0;

fn open(s: &mut String, kind: &str, title: &str, height: f64) {
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="ambit-chart {kind}" data-chart="{kind}" viewBox="0 0 {W} {height}" width="{W}" height="{height}" role="img" font-family="sans-serif" font-size="11"><title>{t}</title><text x="{x}" y="20" font-size="13" font-weight="bold">{t}</text>"#,
        t = escape(title),
        x = LEFT
    );
}

/// What an axis counts: whole things (runs, districts, comuni) get whole-number ticks only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Counts: ticks are integers.
    Count,
    /// Any real value (shares, differences).
    Real,
}

/// "Nice" ticks covering `[lo, hi]`: four to eight, at multiples of a 1-2-5 step (1, 2, 5, 10,
/// 20, 50... times a power of ten; Heckbert, "Nice numbers for graph labels", Graphics Gems,
/// 1990), at least 1 apart on a count axis. Returns the ticks and the step.
pub fn ticks(lo: f64, hi: f64, scale: Scale) -> (Vec<f64>, f64) {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return (vec![lo], 1.0);
    }
    // at most seven intervals
    let raw = (hi - lo) / 7.0;
    let mag = 10f64.powf(raw.log10().floor());
    let mut step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw * 0.999)
        .unwrap_or(10.0 * mag);
    if scale == Scale::Count {
        step = step.max(1.0).round();
    }
    let first = (lo / step).ceil();
    let last = (hi / step + 1e-9).floor();
    let out = (first as i64..=last as i64)
        .map(|k| k as f64 * step)
        .collect();
    (out, step)
}

/// A tick's label: as many decimals as the step needs (so two ticks never read alike),
/// thousands separators for whole numbers.
pub fn tick_label(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    if decimals == 0 {
        ambit_rules::format_count(v.round())
    } else {
        format!("{v:.decimals$}")
    }
}

fn y_axis(s: &mut String, lo: f64, hi: f64, scale: Scale, height: f64, y_label: &str) {
    let plot_h = height - TOP - BOTTOM;
    let (ticks, step) = ticks(lo, hi, scale);
    for t in ticks {
        let y = TOP + plot_h * (1.0 - (t - lo) / (hi - lo).max(1e-12));
        let _ = write!(
            s,
            r##"<line class="grid" x1="{LEFT}" x2="{x2}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{tx}" y="{ty:.1}" text-anchor="end">{l}</text>"##,
            x2 = W - RIGHT,
            tx = LEFT - 6.0,
            ty = y + 4.0,
            l = tick_label(t, step)
        );
    }
    let _ = write!(
        s,
        r#"<text x="14" y="{y:.1}" transform="rotate(-90 14 {y:.1})" text-anchor="middle">{l}</text>"#,
        y = TOP + plot_h / 2.0,
        l = escape(y_label)
    );
}

/// Histogram of an integer-valued outcome over runs: `bins` are (value, runs). Values are
/// grouped into at most 30 equal-width bars; `marker` draws a labelled vertical line (e.g. the
/// observed value).
pub fn histogram(
    title: &str,
    x_label: &str,
    bins: &[(i64, u64)],
    marker: Option<(f64, &str)>,
) -> String {
    let mut s = String::new();
    open(&mut s, "histogram", title, H);
    let (Some(&(min, _)), Some(&(max, _))) = (bins.first(), bins.last()) else {
        s.push_str("<text x=\"64\" y=\"60\">no data</text></svg>");
        return s;
    };
    let span = (max - min + 1) as f64;
    let n_bars = span.clamp(1.0, 30.0) as usize;
    let width = span / n_bars as f64;
    let mut counts = vec![0u64; n_bars];
    for &(v, c) in bins {
        let k = (((v - min) as f64) / width).floor() as usize;
        counts[k.min(n_bars - 1)] += c;
    }
    let total: u64 = counts.iter().sum();
    let top = counts.iter().copied().max().unwrap_or(1).max(1) as f64 / total.max(1) as f64;
    y_axis(&mut s, 0.0, top, Scale::Real, H, "share of runs");
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let bar_w = plot_w / n_bars as f64;
    for (k, &c) in counts.iter().enumerate() {
        let share = c as f64 / total.max(1) as f64;
        let h = plot_h * share / top;
        let lo = min as f64 + k as f64 * width;
        let hi = lo + width - 1.0;
        let range = if width <= 1.0 {
            label(lo)
        } else {
            format!("{}-{}", label(lo.ceil()), label(hi.floor()))
        };
        let _ = write!(
            s,
            r##"<rect class="bar" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="#4a7ab0"><title>{range}: {pct:.1}% of runs</title></rect>"##,
            x = LEFT + k as f64 * bar_w + 1.0,
            y = TOP + plot_h - h,
            w = (bar_w - 2.0).max(1.0),
            pct = 100.0 * share
        );
    }
    // x labels at nice values of the outcome, each under the middle of its value's slot
    let x_of = |v: f64| LEFT + (v - min as f64 + 0.5) / span * plot_w;
    let (x_ticks, x_step) = ticks(min as f64, max as f64, Scale::Count);
    for v in x_ticks {
        let l = tick_label(v, x_step);
        // a label that would stick out of the picture (11 px digits: about 6.2 px each) is
        // left out rather than cut
        let half = 3.1 * l.chars().count() as f64;
        if x_of(v) + half > W || x_of(v) - half < 0.0 {
            continue;
        }
        let _ = write!(
            s,
            r#"<text x="{x:.1}" y="{y}" text-anchor="middle">{l}</text>"#,
            x = x_of(v),
            y = H - BOTTOM + 16.0,
        );
    }
    let _ = write!(
        s,
        r#"<text x="{x}" y="{y}" text-anchor="middle">{l}</text>"#,
        x = LEFT + plot_w / 2.0,
        y = H - 10.0,
        l = escape(x_label)
    );
    if let Some((v, text)) = marker {
        let x = x_of(v);
        let _ = write!(
            s,
            r##"<line class="marker" x1="{x:.1}" x2="{x:.1}" y1="{TOP}" y2="{y2}" stroke="#c0392b" stroke-width="2" stroke-dasharray="4 3"/><text x="{tx:.1}" y="{ty}" fill="#c0392b">{t}</text>"##,
            y2 = H - BOTTOM,
            tx = x + 4.0,
            ty = TOP + 12.0,
            t = escape(text)
        );
    }
    s.push_str("</svg>");
    s
}

/// One time point of a fan chart: label and the 5, 25, 50, 75, 95% quantiles.
#[derive(Debug, Clone, PartialEq)]
pub struct FanPoint {
    /// X label (a window).
    pub label: String,
    /// Quantiles 5, 25, 50, 75, 95%.
    pub q: [f64; 5],
}

/// Fan chart of a quantity over time: 90% band, 50% band, median line; `observed` points
/// (index into `points`, value, label) are drawn as red dots.
pub fn fan_chart(
    title: &str,
    y_label: &str,
    points: &[FanPoint],
    observed: &[(usize, f64, &str)],
) -> String {
    let mut s = String::new();
    open(&mut s, "fan", title, H);
    if points.is_empty() {
        s.push_str("</svg>");
        return s;
    }
    let mut lo = points.iter().map(|p| p.q[0]).fold(f64::INFINITY, f64::min);
    let mut hi = points
        .iter()
        .map(|p| p.q[4])
        .fold(f64::NEG_INFINITY, f64::max);
    for &(_, v, _) in observed {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    let whole = points.iter().flat_map(|p| p.q).all(|v| v.fract() == 0.0)
        && observed.iter().all(|o| o.1.fract() == 0.0);
    lo = (lo - 0.05 * (hi - lo).max(1.0)).max(0.0).floor();
    hi = (hi + 0.05 * (hi - lo).max(1.0)).ceil();
    let scale = if whole { Scale::Count } else { Scale::Real };
    y_axis(&mut s, lo, hi, scale, H, y_label);
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let n = points.len();
    let x = |i: usize| LEFT + plot_w * (i as f64 + 0.5) / n as f64;
    let y = |v: f64| TOP + plot_h * (1.0 - (v - lo) / (hi - lo).max(1e-12));
    let band = |a: usize, b: usize| {
        let mut d = String::new();
        for (i, p) in points.iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1},{:.1} ",
                if i == 0 { "M" } else { "L" },
                x(i),
                y(p.q[b])
            );
        }
        for (i, p) in points.iter().enumerate().rev() {
            let _ = write!(d, "L{:.1},{:.1} ", x(i), y(p.q[a]));
        }
        d.push('Z');
        d
    };
    let _ = write!(
        s,
        r##"<path class="band90" d="{}" fill="#4a7ab0" fill-opacity="0.2"/><path class="band50" d="{}" fill="#4a7ab0" fill-opacity="0.4"/>"##,
        band(0, 4),
        band(1, 3)
    );
    let mut median = String::new();
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            median,
            "{}{:.1},{:.1} ",
            if i == 0 { "M" } else { "L" },
            x(i),
            y(p.q[2])
        );
        let _ = write!(
            s,
            r##"<circle class="median" cx="{cx:.1}" cy="{cy:.1}" r="3" fill="#1f3f66"><title>{l}: median {m}, 90% interval {a} to {b}</title></circle><text x="{cx:.1}" y="{ly}" text-anchor="middle">{l}</text>"##,
            cx = x(i),
            cy = y(p.q[2]),
            l = escape(&p.label),
            m = label(p.q[2]),
            a = label(p.q[0]),
            b = label(p.q[4]),
            ly = H - BOTTOM + 16.0
        );
    }
    let _ = write!(
        s,
        r##"<path class="median-line" d="{median}" fill="none" stroke="#1f3f66" stroke-width="2"/>"##
    );
    for &(i, v, text) in observed {
        if i < n {
            let _ = write!(
                s,
                r##"<circle class="observed" cx="{cx:.1}" cy="{cy:.1}" r="5" fill="#c0392b"><title>{t}: {v}</title></circle><text x="{tx:.1}" y="{ty:.1}" fill="#c0392b">{t}</text>"##,
                cx = x(i),
                cy = y(v),
                tx = x(i) + 8.0,
                ty = y(v) + 4.0,
                t = escape(text),
                v = label(v)
            );
        }
    }
    let _ = write!(
        s,
        r##"<text x="{x}" y="{y}" text-anchor="middle">shaded: 90% and 50% of runs; line: median</text></svg>"##,
        x = LEFT + plot_w / 2.0,
        y = H - 10.0
    );
    s
}

/// One district of a population-against-threshold chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ThresholdBar {
    /// District name.
    pub name: String,
    /// Population.
    pub population: f64,
    /// Its class threshold.
    pub threshold: f64,
    /// Whether it complies.
    pub compliant: bool,
}

/// Horizontal bars of population per district with each district's threshold as a black tick
/// (and a dashed line across when all thresholds are equal); non-compliant bars are red.
pub fn threshold_bars(title: &str, rows: &[ThresholdBar]) -> String {
    let row_h = 22.0;
    let height = TOP + BOTTOM + row_h * rows.len().max(1) as f64;
    let name_w = 200.0;
    let mut s = String::new();
    open(&mut s, "threshold-bars", title, height);
    let max = rows
        .iter()
        .map(|r| r.population.max(r.threshold))
        .fold(1.0, f64::max)
        * 1.05;
    let x0 = name_w;
    let plot_w = W - x0 - RIGHT - 60.0;
    let x = |v: f64| x0 + plot_w * v / max;
    let (t_ticks, t_step) = ticks(0.0, max, Scale::Count);
    for t in t_ticks {
        let _ = write!(
            s,
            r##"<line class="grid" x1="{xx:.1}" x2="{xx:.1}" y1="{TOP}" y2="{y2}" stroke="#eee"/><text x="{xx:.1}" y="{ty}" text-anchor="middle">{l}</text>"##,
            xx = x(t),
            y2 = height - BOTTOM,
            ty = height - BOTTOM + 14.0,
            l = tick_label(t, t_step)
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = TOP + i as f64 * row_h;
        let fill = if r.compliant { "#4a7ab0" } else { "#c0392b" };
        let _ = write!(
            s,
            r##"<text x="{tx}" y="{ty:.1}" text-anchor="end">{short}<title>{n}</title></text><rect class="bar {c}" x="{x0}" y="{yy:.1}" width="{w:.1}" height="{h:.1}" fill="{fill}"><title>{n}: {p} inhabitants, threshold {t}</title></rect><line class="threshold" x1="{tx2:.1}" x2="{tx2:.1}" y1="{yy0:.1}" y2="{yy1:.1}" stroke="#000" stroke-width="2"/><text x="{px:.1}" y="{ty:.1}">{p}</text>"##,
            tx = x0 - 6.0,
            ty = y + row_h * 0.65,
            n = escape(&r.name),
            short = escape(&shorten(&r.name, 30)),
            c = if r.compliant { "compliant" } else { "below" },
            yy = y + 3.0,
            w = x(r.population) - x0,
            h = row_h - 6.0,
            p = label(r.population),
            t = label(r.threshold),
            tx2 = x(r.threshold),
            yy0 = y,
            yy1 = y + row_h,
            px = x(r.population) + 4.0,
        );
    }
    if let Some(first) = rows.first() {
        if rows.iter().all(|r| r.threshold == first.threshold) {
            let _ = write!(
                s,
                r##"<line class="threshold-line" x1="{xx:.1}" x2="{xx:.1}" y1="{TOP}" y2="{y2}" stroke="#000" stroke-dasharray="5 3"/><text x="{tx:.1}" y="{ty}">threshold {l}</text>"##,
                xx = x(first.threshold),
                y2 = height - BOTTOM,
                tx = x(first.threshold) + 4.0,
                ty = TOP - 4.0,
                l = label(first.threshold)
            );
        }
    }
    let _ = write!(
        s,
        r#"<text x="{x}" y="{y}" text-anchor="middle">inhabitants (bars); threshold of the district's class (black mark); red: below threshold</text></svg>"#,
        x = x0 + plot_w / 2.0,
        y = height - 12.0
    );
    s
}

/// `s` cut to `max` characters with an ellipsis.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Forest chart of intervals: per row a label, a 5-95% line and a median dot, with a zero line.
pub fn interval_chart(title: &str, rows: &[(String, [f64; 3])]) -> String {
    let row_h = 22.0;
    let height = TOP + BOTTOM + row_h * rows.len().max(1) as f64;
    let name_w = 260.0;
    let mut s = String::new();
    open(&mut s, "intervals", title, height);
    let lo = rows.iter().map(|r| r.1[0]).fold(0.0, f64::min);
    let hi = rows.iter().map(|r| r.1[2]).fold(0.0, f64::max);
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 1.0, hi + 1.0)
    };
    let plot_w = W - name_w - RIGHT - 10.0;
    let x = |v: f64| name_w + plot_w * (v - lo) / (hi - lo);
    let (i_ticks, i_step) = ticks(lo, hi, Scale::Real);
    for t in i_ticks {
        let _ = write!(
            s,
            r##"<text x="{xx:.1}" y="{ty}" text-anchor="middle">{l}</text>"##,
            xx = x(t),
            ty = height - BOTTOM + 14.0,
            l = tick_label(t, i_step)
        );
    }
    let _ = write!(
        s,
        r##"<line class="zero" x1="{xx:.1}" x2="{xx:.1}" y1="{TOP}" y2="{y2}" stroke="#888" stroke-dasharray="3 3"/>"##,
        xx = x(0.0),
        y2 = height - BOTTOM
    );
    for (i, (name, q)) in rows.iter().enumerate() {
        let y = TOP + (i as f64 + 0.5) * row_h;
        let _ = write!(
            s,
            r##"<text x="{tx}" y="{ty:.1}" text-anchor="end">{short}</text><line class="interval" x1="{a:.1}" x2="{b:.1}" y1="{y:.1}" y2="{y:.1}" stroke="#1f3f66" stroke-width="2"/><circle class="median" cx="{m:.1}" cy="{y:.1}" r="4" fill="#1f3f66"><title>{n}: median {ml}, 90% interval {al} to {bl}</title></circle>"##,
            tx = name_w - 6.0,
            ty = y + 4.0,
            n = escape(name),
            short = escape(&shorten(name, 40)),
            a = x(q[0]),
            b = x(q[2]),
            m = x(q[1]),
            ml = label(q[1]),
            al = label(q[0]),
            bl = label(q[2])
        );
    }
    let _ = write!(
        s,
        r#"<text x="{x}" y="{y}" text-anchor="middle">variant minus baseline, same seeds: median and 90% interval</text></svg>"#,
        x = name_w + plot_w / 2.0,
        y = height - 12.0
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_has_one_bar_per_value_and_a_marker() {
        let svg = histogram(
            "merges",
            "merges",
            &[(1, 2), (2, 5), (4, 3)],
            Some((3.0, "observed 3")),
        );
        assert_eq!(svg.matches("<rect class=\"bar\"").count(), 4); // values 1..=4
        assert!(svg.contains("class=\"marker\""));
        assert!(svg.contains("2: 50.0% of runs"));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn wide_ranges_are_grouped_into_thirty_bars() {
        let bins: Vec<(i64, u64)> = (0..300).map(|v| (v * 1000, 1)).collect();
        let svg = histogram("spend", "EUR", &bins, None);
        assert_eq!(svg.matches("<rect class=\"bar\"").count(), 30);
    }

    #[test]
    fn threshold_bars_mark_below_districts() {
        let rows = vec![
            ThresholdBar {
                name: "Seriate".into(),
                population: 77716.0,
                threshold: 80000.0,
                compliant: false,
            },
            ThresholdBar {
                name: "Dalmine".into(),
                population: 146222.0,
                threshold: 80000.0,
                compliant: true,
            },
        ];
        let svg = threshold_bars("pop", &rows);
        assert_eq!(svg.matches("class=\"bar below\"").count(), 1);
        assert_eq!(svg.matches("class=\"threshold\"").count(), 2);
        assert!(svg.contains("threshold 80,000"));
        assert!(svg.contains("Seriate: 77,716 inhabitants"));
    }

    #[test]
    fn escape_protects_markup() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn ticks_step_by_one_two_or_five() {
        assert_eq!(
            ticks(0.0, 10.0, Scale::Real).0,
            vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
        );
        // a count axis from 0 to 55: 0, 10, ... 50 (never 27.5)
        assert_eq!(
            ticks(0.0, 55.0, Scale::Count).0,
            vec![0.0, 10.0, 20.0, 30.0, 40.0, 50.0]
        );
        // a count axis of 0..3 does not go below a step of 1
        assert_eq!(
            ticks(0.0, 3.0, Scale::Count),
            (vec![0.0, 1.0, 2.0, 3.0], 1.0)
        );
        // spend from 23,668 to 710,001 EUR: round hundred-thousands, not 355,001 and 686,334
        let (t, step) = ticks(23_668.0, 710_001.0, Scale::Count);
        assert_eq!(step, 100_000.0);
        assert_eq!(t.first(), Some(&100_000.0));
        assert_eq!(t.last(), Some(&700_000.0));
        for (lo, hi) in [
            (0.0, 0.137),
            (0.0, 0.9),
            (3.0, 4.1),
            (-2.5, 7.25),
            (0.0, 1e6),
        ] {
            let (t, step) = ticks(lo, hi, Scale::Real);
            let mantissa = step / 10f64.powf(step.log10().floor());
            assert!(
                [1.0, 2.0, 5.0].iter().any(|m| (m - mantissa).abs() < 1e-9),
                "{lo}..{hi}: step {step}"
            );
            assert!((3..=11).contains(&t.len()), "{lo}..{hi}: {t:?}");
        }
    }

    #[test]
    fn tick_labels_never_repeat() {
        for (lo, hi) in [
            (0.0, 0.137),
            (0.0, 0.26),
            (0.0, 0.0123),
            (1.0, 1.9),
            (0.0, 3e5),
        ] {
            let (t, step) = ticks(lo, hi, Scale::Real);
            let labels: Vec<String> = t.iter().map(|v| tick_label(*v, step)).collect();
            let mut unique = labels.clone();
            unique.dedup();
            assert_eq!(labels, unique, "{lo}..{hi}");
        }
        let (t, step) = ticks(0.0, 0.137, Scale::Real);
        let labels: Vec<String> = t.iter().map(|v| tick_label(*v, step)).collect();
        assert_eq!(
            labels,
            ["0.00", "0.02", "0.04", "0.06", "0.08", "0.10", "0.12"]
        );
    }

    #[test]
    fn a_histogram_labels_nice_values_once() {
        let bins: Vec<(i64, u64)> = (23_668..=710_001).step_by(10_000).map(|v| (v, 1)).collect();
        let svg = histogram("spend", "EUR", &bins, None);
        assert!(
            svg.contains(">200,000<") && svg.contains(">600,000<"),
            "{svg}"
        );
        assert!(!svg.contains("355,001"));
    }
}

//! SVG chart of a QCA robustness sweep (`ambit qca robust`): how often each solution term
//! survives across the grid of parameter settings, and, per parameter, which values tried give
//! the base solution. Plain inputs, so this crate does not depend on `ambit-qca`.

use std::fmt::Write as _;

/// A term and the share of grid points whose solution contains it.
#[derive(Debug, Clone, PartialEq)]
pub struct TermBar {
    /// The term, R syntax.
    pub term: String,
    /// Share in [0, 1].
    pub share: f64,
    /// Whether it belongs to the base solution.
    pub in_base: bool,
}

/// The values tried for one parameter, each marked same as the base solution or not.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterStrip {
    /// Parameter name.
    pub parameter: String,
    /// Base value.
    pub base: f64,
    /// (value, gives the base solution).
    pub values: Vec<(f64, bool)>,
}

const WIDTH: f64 = 720.0;
const LABEL: f64 = 190.0;
const ROW: f64 = 26.0;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Renders the chart: term survival bars (base terms dark, others light), then one strip per
/// parameter (values giving the base solution filled, others hollow; the base value ringed).
pub fn chart_svg(title: &str, terms: &[TermBar], strips: &[ParameterStrip]) -> String {
    let plot = WIDTH - LABEL - 60.0;
    let height = 70.0 + ROW * terms.len() as f64 + 50.0 + ROW * 1.6 * strips.len() as f64 + 30.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0}" viewBox="0 0 {WIDTH} {height:.0}" font-family="sans-serif" font-size="13"><rect width="100%" height="100%" fill="white"/><text x="12" y="24" font-size="16" font-weight="bold">{}</text><text x="12" y="48" fill="#444">Share of parameter settings whose solution contains the term (dark: in the base solution)</text>"##,
        escape(title)
    );
    let mut y = 62.0;
    for t in terms {
        let w = plot * t.share.clamp(0.0, 1.0);
        let fill = if t.in_base { "#1f5f8b" } else { "#9cc3dd" };
        let _ = write!(
            s,
            r##"<text x="{:.0}" y="{:.1}" text-anchor="end">{}</text><rect x="{LABEL}" y="{:.1}" width="{plot:.1}" height="16" fill="#eee"/><rect x="{LABEL}" y="{:.1}" width="{w:.1}" height="16" fill="{fill}"/><text x="{:.1}" y="{:.1}">{:.0}%</text>"##,
            LABEL - 8.0,
            y + 13.0,
            escape(&t.term),
            y,
            y,
            LABEL + plot + 6.0,
            y + 13.0,
            t.share * 100.0
        );
        y += ROW;
    }
    y += 20.0;
    let _ = write!(
        s,
        r##"<text x="12" y="{:.1}" fill="#444">Values tried per parameter (filled: same solution as the base; ringed: the base value)</text>"##,
        y
    );
    y += 18.0;
    for st in strips {
        let (lo, hi) = st
            .values
            .iter()
            .map(|v| v.0)
            .chain([st.base])
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        let span = if hi > lo { hi - lo } else { 1.0 };
        let x_of = |v: f64| LABEL + 10.0 + (plot - 20.0) * (v - lo) / span;
        let cy = y + 10.0;
        let _ = write!(
            s,
            r##"<text x="{:.0}" y="{:.1}" text-anchor="end">{}</text><line x1="{LABEL}" x2="{:.1}" y1="{cy:.1}" y2="{cy:.1}" stroke="#bbb"/>"##,
            LABEL - 8.0,
            cy + 4.0,
            escape(&st.parameter),
            LABEL + plot
        );
        for &(v, same) in &st.values {
            let fill = if same { "#1f5f8b" } else { "white" };
            let _ = write!(
                s,
                r##"<circle cx="{:.1}" cy="{cy:.1}" r="5" fill="{fill}" stroke="#1f5f8b" stroke-width="1.5"/>"##,
                x_of(v)
            );
        }
        let _ = write!(
            s,
            r##"<circle cx="{:.1}" cy="{cy:.1}" r="9" fill="none" stroke="#c0392b" stroke-width="1.5"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#666">{}</text><text x="{:.1}" y="{:.1}" font-size="11" fill="#666" text-anchor="end">{}</text>"##,
            x_of(st.base),
            LABEL + 10.0,
            cy + 22.0,
            lo,
            LABEL + plot - 10.0,
            cy + 22.0,
            hi
        );
        y += ROW * 1.6;
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_and_labels_escaped() {
        let svg = chart_svg(
            "Y <robust>",
            &[
                TermBar {
                    term: "A*~B".into(),
                    share: 0.75,
                    in_base: true,
                },
                TermBar {
                    term: "C".into(),
                    share: 0.5,
                    in_base: false,
                },
            ],
            &[ParameterStrip {
                parameter: "incl.cut".into(),
                base: 1.0,
                values: vec![(0.8, false), (1.0, true)],
            }],
        );
        let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        let plot = WIDTH - LABEL - 60.0;
        let widths: Vec<f64> = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("fill") != Some("#eee"))
            .filter_map(|n| n.attribute("width")?.parse().ok())
            .collect();
        // The background rect is "100%" (not a number); then 75% and 50% of the plot width.
        assert_eq!(widths.len(), 2);
        assert!((widths[0] - 0.75 * plot).abs() < 0.1 && (widths[1] - 0.5 * plot).abs() < 0.1);
        assert!(svg.contains("Y &lt;robust&gt;"));
        assert_eq!(
            doc.descendants()
                .filter(|n| n.has_tag_name("circle"))
                .count(),
            3
        );
    }
}

//! One self-contained HTML page: inline CSS (screen and print), inline SVG, no script, no
//! external resource, so it opens offline and prints to PDF from the browser.

use super::charts::escape;
use super::{Block, Document, Table};
use std::fmt::Write as _;

const CSS: &str = r#"
body { font-family: "Helvetica Neue", Arial, sans-serif; color: #222; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
.subtitle { color: #555; margin-top: 0; }
h2 { border-bottom: 2px solid #1f3f66; padding-bottom: 0.2rem; margin-top: 2.2rem; }
nav ol { columns: 2; font-size: 0.9rem; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.85rem; width: 100%; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f0f3f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.2rem 0; page-break-inside: avoid; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #444; }
footer { margin-top: 3rem; font-size: 0.8rem; color: #666; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  nav { display: none; }
  h2 { page-break-after: avoid; break-after: avoid; }
  table, tr { page-break-inside: avoid; break-inside: avoid; }
}
"#;

fn table(s: &mut String, t: &Table) {
    s.push_str("<table>");
    if !t.caption.is_empty() {
        let _ = write!(s, "<caption>{}</caption>", escape(&t.caption));
    }
    s.push_str("<thead><tr>");
    for (i, h) in t.header.iter().enumerate() {
        let class = if t.numeric.get(i).copied().unwrap_or(false) {
            " class=\"num\""
        } else {
            ""
        };
        let _ = write!(s, "<th{class}>{}</th>", escape(h));
    }
    s.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        s.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let class = if t.numeric.get(i).copied().unwrap_or(false) {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(s, "<td{class}>{}</td>", escape(c));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>\n");
}

/// Renders the report as one HTML page.
pub fn render(doc: &Document) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"generator\" content=\"{g}\">\n<title>{t}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<header><h1>{t}</h1><p class=\"subtitle\">{st}</p></header>\n",
        g = escape(&doc.generator),
        t = escape(&doc.title),
        st = escape(&doc.subtitle)
    );
    s.push_str("<nav><ol>");
    for sec in &doc.sections {
        let _ = write!(
            s,
            "<li><a href=\"#{}\">{}</a></li>",
            escape(&sec.id),
            escape(&sec.title)
        );
    }
    s.push_str("<li><a href=\"#provenance\">Provenance of the inputs</a></li></ol></nav>\n");
    let mut fig = 0;
    for sec in &doc.sections {
        let _ = write!(
            s,
            "<section id=\"{}\">\n<h2>{}</h2>\n",
            escape(&sec.id),
            escape(&sec.title)
        );
        for b in &sec.blocks {
            match b {
                Block::Paragraph(p) => {
                    let _ = writeln!(s, "<p>{}</p>", escape(p));
                }
                Block::List(items) => {
                    s.push_str("<ul>");
                    for i in items {
                        let _ = write!(s, "<li>{}</li>", escape(i));
                    }
                    s.push_str("</ul>\n");
                }
                Block::Table(t) => table(&mut s, t),
                Block::Figure(f) => {
                    fig += 1;
                    let kind = match f.kind {
                        super::FigureKind::Map => "map",
                        super::FigureKind::Chart => "chart",
                    };
                    let _ = write!(
                        s,
                        "<figure class=\"{kind}\" id=\"{id}\" data-kind=\"{kind}\">\n{svg}\n<figcaption>Figure {fig}. {c}</figcaption>\n</figure>\n",
                        id = escape(&f.id),
                        svg = f.svg,
                        c = escape(&f.caption)
                    );
                }
            }
        }
        s.push_str("</section>\n");
    }
    s.push_str("<section id=\"provenance\">\n<h2>Provenance of the inputs</h2>\n");
    let prov = Table {
        caption: String::new(),
        header: vec!["input".into(), "source".into(), "note".into()],
        rows: doc
            .provenance
            .iter()
            .map(|p| vec![p.input.clone(), p.source.clone(), p.note.clone()])
            .collect(),
        numeric: vec![false; 3],
    };
    table(&mut s, &prov);
    let _ = write!(
        s,
        "</section>\n<footer>Generated by {}. Every number in this report is computed from the inputs listed above.</footer>\n</body>\n</html>\n",
        escape(&doc.generator)
    );
    s
}

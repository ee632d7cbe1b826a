//! The printable report page of a scenario: its audit as a self-contained HTML document.

use ambit_rules::{format_count, Audit};
use ambit_store::ScenarioVersion;
use std::fmt::Write;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders the report page of one scenario version and its audit.
pub fn render(v: &ScenarioVersion, audit: &Audit) -> String {
    let e = escape;
    let s = &audit.summary;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{name} (version {ver}) - ambit report</title>\
         <style>body{{font:14px/1.4 sans-serif;margin:2em;color:#111}}\
         table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #999;padding:3px 6px;text-align:left}}\
         td.n{{text-align:right}}tr.bad td{{background:#fde2e2}}@media print{{button{{display:none}}}}</style>\
         </head><body><button onclick=\"window.print()\">Print</button>\
         <h1>{name}</h1><p>Scenario version {ver}, saved {at}: {msg}</p>",
        name = e(&v.name),
        ver = v.version,
        at = e(&v.created_at),
        msg = e(&v.message),
    );
    if !v.content.notes.is_empty() {
        let _ = write!(h, "<h2>Notes</h2><p>{}</p>", e(&v.content.notes));
    }
    let _ = write!(h, "<h2>Policy</h2><p>{}</p><ul>", e(&audit.policy.name));
    for r in &audit.policy.rules {
        let _ = write!(h, "<li>{}</li>", e(r));
    }
    h.push_str("</ul>");
    if !audit.policy.assumptions.is_empty() {
        h.push_str("<p>Assumptions:</p><ul>");
        for a in &audit.policy.assumptions {
            let _ = write!(h, "<li>{}</li>", e(a));
        }
        h.push_str("</ul>");
    }
    let _ = write!(
        h,
        "<h2>Summary</h2><table id=\"summary\"><tr><th>Municipalities</th><td class=n>{}</td></tr>\
         <tr><th>Population</th><td class=n>{}</td></tr>\
         <tr><th>Districts</th><td class=n>{}</td></tr>\
         <tr><th>Compliant districts</th><td class=n>{}</td></tr>\
         <tr><th>Non-compliant districts</th><td class=n>{}</td></tr>\
         <tr><th>Non-contiguous districts</th><td class=n>{}</td></tr>\
         <tr><th>Unassigned municipalities</th><td class=n>{} ({} inhabitants)</td></tr></table>",
        format_count(s.municipalities as f64),
        format_count(s.population as f64),
        s.districts,
        s.compliant_districts,
        s.non_compliant_districts,
        s.non_contiguous_districts,
        format_count(s.unassigned_municipalities as f64),
        format_count(s.unassigned_population as f64),
    );
    h.push_str(
        "<h2>Districts</h2><table id=\"districts\"><tr><th>District</th><th>Municipalities</th>\
         <th>Population</th><th>Class</th><th>Threshold</th><th>Compliant</th><th>Shortfall</th>\
         <th>Parts</th><th>Why this class</th></tr>",
    );
    for d in &audit.districts {
        let _ = write!(
            h,
            "<tr class=\"{cls}\"><td>{}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td></tr>",
            e(&d.name),
            d.municipalities,
            format_count(d.population as f64),
            e(&d.class),
            e(&d.threshold_text),
            if d.compliant { "yes" } else { "no" },
            format_count(d.shortfall as f64),
            d.contiguous_parts,
            e(&d.class_reason),
            cls = if d.compliant && d.contiguous_parts == 1 {
                "ok"
            } else {
                "bad"
            },
        );
    }
    h.push_str("</table></body></html>\n");
    h
}

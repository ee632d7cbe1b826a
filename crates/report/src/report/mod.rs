//! Scenario reports: a [`Document`] of sections (paragraphs, lists, tables, SVG figures) and
//! the provenance of every input, rendered as one self-contained HTML page ([`html`]) or as
//! Markdown with SVG files beside it ([`markdown`]).
//!
//! Sections come from the scenario's parts: [`simulation`] (uptake simulation), [`audit`]
//! (districts against thresholds), and maps or other figures given as pre-rendered SVG
//! ([`map_section`]). [`districts`] assembles the report of one district map without a
//! simulation (its audit, compliance map and changes from a baseline), as the studio prints it.

pub mod audit;
pub mod charts;
pub mod districts;
pub mod file;
pub mod html;
pub mod markdown;
pub mod simulation;
pub mod simulation_text;

use serde::{Deserialize, Serialize};

/// A report: title, sections, provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Title.
    pub title: String,
    /// One line under the title.
    pub subtitle: String,
    /// Sections in order.
    pub sections: Vec<Section>,
    /// Where every input comes from.
    pub provenance: Vec<ProvenanceEntry>,
    /// Tool and version that produced it.
    pub generator: String,
}

/// A titled section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// Anchor id (letters, digits, `-`).
    pub id: String,
    /// Heading.
    pub title: String,
    /// Content.
    pub blocks: Vec<Block>,
}

/// A piece of content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Block {
    /// A paragraph of plain text.
    Paragraph(String),
    /// A bulleted list of plain-text items.
    List(Vec<String>),
    /// A table.
    Table(Table),
    /// An SVG figure.
    Figure(Figure),
}

/// A table of text cells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// Caption.
    pub caption: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Rows (each as long as the header).
    pub rows: Vec<Vec<String>>,
    /// Columns aligned right (numbers).
    pub numeric: Vec<bool>,
}

/// What a figure shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FigureKind {
    /// A map.
    Map,
    /// A chart.
    Chart,
}

/// An SVG figure with its caption.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Anchor id and file stem (letters, digits, `-`).
    pub id: String,
    /// Map or chart.
    pub kind: FigureKind,
    /// Caption.
    pub caption: String,
    /// The `<svg>` element.
    pub svg: String,
}

/// Where one input comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvenanceEntry {
    /// What the input is (data, policy, class rule, model assumption...).
    pub input: String,
    /// File or source.
    pub source: String,
    /// Vintage, licence or note.
    pub note: String,
}

/// Rewrites the sources of `entries` that are paths of files as paths relative to the data
/// folder `data_dir` (`comuni_2018.csv`, `../../policies/lombardy-2017.toml`), so that a
/// report shows where its inputs sit in the data, not the folder the binary was built in.
/// Sources that are not paths (a URL, "none", "bundled:...") are left as they are.
pub fn relative_sources(entries: &mut [ProvenanceEntry], data_dir: &std::path::Path) {
    let base = absolute(data_dir);
    for e in entries {
        let path = absolute(std::path::Path::new(&e.source));
        if e.source.contains("://") || !path.is_file() {
            continue;
        }
        e.source = relative(&path, &base);
    }
}

/// A path made absolute against the working folder and lexically normalised (`a/../b` is `b`).
fn absolute(p: &std::path::Path) -> std::path::PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    ambit_territory::dataset::lexically_normal(&joined)
}

/// `path` relative to `base` (both absolute and normal), with `..` for each level up.
fn relative(path: &std::path::Path, base: &std::path::Path) -> String {
    let p: Vec<_> = path.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = std::path::PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c);
    }
    out.display().to_string()
}

/// Why an SVG cannot go into a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SvgError {
    /// The text has no `<svg` element.
    #[error("{0}: no <svg> element found")]
    NoSvg(String),
    /// The SVG holds a script (reports are static and printable).
    #[error("{0}: the SVG contains a <script> element, refused in reports")]
    Script(String),
}

/// Cleans a pre-rendered SVG for inline use: drops any XML prolog or doctype before `<svg`,
/// refuses scripts. `name` names the source in errors.
pub fn inline_svg(name: &str, text: &str) -> Result<String, SvgError> {
    let start = text
        .find("<svg")
        .ok_or_else(|| SvgError::NoSvg(name.to_string()))?;
    let svg = text[start..].trim_end();
    if svg.to_ascii_lowercase().contains("<script") {
        return Err(SvgError::Script(name.to_string()));
    }
    Ok(svg.to_string())
}

/// A section holding one map (pre-rendered SVG, for example from the map module or a file).
pub fn map_section(id: &str, title: &str, caption: &str, svg: String) -> Section {
    Section {
        id: id.to_string(),
        title: title.to_string(),
        blocks: vec![Block::Figure(Figure {
            id: format!("{id}-map"),
            kind: FigureKind::Map,
            caption: caption.to_string(),
            svg,
        })],
    }
}

/// The section of a pre-rendered SVG map file (`path`, the `index`-th map given) and its
/// provenance entry, added to `doc`.
pub fn add_map_file(
    doc: &mut Document,
    index: usize,
    path: &std::path::Path,
    text: &str,
) -> Result<(), SvgError> {
    let name = path.display().to_string();
    let svg = inline_svg(&name, text)?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    doc.sections.push(map_section(
        &format!("map-{}-{}", index + 1, simulation::slug(&stem)),
        &format!("Map: {stem}"),
        &format!("Map {}", path.display()),
        svg,
    ));
    doc.provenance.push(ProvenanceEntry {
        input: "map".into(),
        source: name,
        note: "pre-rendered SVG".into(),
    });
    Ok(())
}

impl Document {
    /// The provenance as a table (input, source, note), as every renderer prints it.
    pub fn provenance_table(&self) -> Table {
        Table {
            caption: String::new(),
            header: vec!["input".into(), "source".into(), "note".into()],
            rows: self
                .provenance
                .iter()
                .map(|p| vec![p.input.clone(), p.source.clone(), p.note.clone()])
                .collect(),
            numeric: vec![false; 3],
        }
    }

    /// An empty report.
    pub fn new(title: &str, subtitle: &str) -> Self {
        Self {
            title: title.to_string(),
            subtitle: subtitle.to_string(),
            sections: Vec::new(),
            provenance: Vec::new(),
            generator: format!("ambit {}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// Every figure of the report, in order, with its number (1-based).
    pub fn figures(&self) -> Vec<(usize, &Figure)> {
        self.sections
            .iter()
            .flat_map(|s| s.blocks.iter())
            .filter_map(|b| match b {
                Block::Figure(f) => Some(f),
                _ => None,
            })
            .enumerate()
            .map(|(i, f)| (i + 1, f))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_svg_drops_the_prolog_and_refuses_scripts() {
        let s = inline_svg("m.svg", "<?xml version=\"1.0\"?>\n<svg><g/></svg>\n").unwrap();
        assert_eq!(s, "<svg><g/></svg>");
        assert_eq!(
            inline_svg("m.svg", "<html/>"),
            Err(SvgError::NoSvg("m.svg".into()))
        );
        assert!(inline_svg("m.svg", "<svg><SCRIPT>x</SCRIPT></svg>").is_err());
    }
}

#[cfg(test)]
mod provenance_tests {
    use super::*;

    #[test]
    fn sources_under_and_beside_the_data_folder_are_relative_to_it() {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data/lombardy");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::create_dir_all(root.path().join("policies")).unwrap();
        std::fs::write(data.join("comuni.csv"), "x").unwrap();
        std::fs::write(root.path().join("policies/p.toml"), "x").unwrap();
        // as the bundled default is found: through the crate folder of the build
        let built = root.path().join("crates/cli/../../data/lombardy");
        let entry = |source: String| ProvenanceEntry {
            input: "x".into(),
            source,
            note: String::new(),
        };
        let mut e = vec![
            entry(built.join("comuni.csv").display().to_string()),
            entry(built.join("../../policies/p.toml").display().to_string()),
            entry("none".into()),
        ];
        relative_sources(&mut e, &built);
        assert_eq!(e[0].source, "comuni.csv");
        assert_eq!(e[1].source, "../../policies/p.toml");
        assert_eq!(e[2].source, "none");
    }
}

//! A report as a file: its format told by `--format` or the file's extension, and the writing
//! of it whole (the HTML page, or the Markdown text with its SVG figures beside it).

use super::Document;
use crate::atomic::{write_atomic, write_files_atomic, WriteError};
use std::path::{Path, PathBuf};

/// Output formats of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum ReportFormat {
    /// One self-contained HTML page (inline CSS and SVG, printable).
    Html,
    /// Markdown, with each figure written as an SVG file beside it.
    Markdown,
}

/// A report file whose name does not say HTML or Markdown, and no format was given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: cannot tell the report format from {}: name it .html or .md, or give --format html|markdown", .output.display(), match .extension {
    Some(e) => format!("the extension `.{e}` (ambit writes HTML and Markdown, not {e})"),
    None => "a name without extension".to_string(),
})]
pub struct UnknownFormat {
    /// The output file.
    pub output: PathBuf,
    /// Its extension (lower case), if any.
    pub extension: Option<String>,
}

impl ReportFormat {
    /// `format` when given, else the one `output`'s extension names (`.html`/`.htm`,
    /// `.md`/`.markdown`); any other extension is refused rather than given HTML under its name.
    pub fn of(output: &Path, format: Option<ReportFormat>) -> Result<ReportFormat, UnknownFormat> {
        if let Some(f) = format {
            return Ok(f);
        }
        let extension = output
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("html") | Some("htm") => Ok(ReportFormat::Html),
            Some("md") | Some("markdown") => Ok(ReportFormat::Markdown),
            _ => Err(UnknownFormat {
                output: output.to_path_buf(),
                extension,
            }),
        }
    }
}

/// Writes `doc` to `output` whole: the HTML page, or the Markdown text with its SVG figures
/// (`STEM-*.svg` beside it, all of them or none). `proceed` is asked before the renames: when
/// it says no (Ctrl-C), every file is left as it was and the error's kind is `Interrupted`.
pub fn write(
    doc: &Document,
    output: &Path,
    format: ReportFormat,
    proceed: impl Fn() -> bool,
) -> Result<(), WriteError> {
    match format {
        ReportFormat::Html => {
            let html = super::html::render(doc);
            if !proceed() {
                return Err(WriteError {
                    path: output.to_path_buf(),
                    source: std::io::Error::new(
                        std::io::ErrorKind::Interrupted,
                        "interrupted before writing",
                    ),
                });
            }
            write_atomic(output, html.as_bytes())
        }
        ReportFormat::Markdown => {
            let stem = output
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "report".into());
            let md = super::markdown::render(doc, &stem);
            let dir = output.parent().unwrap_or(Path::new(""));
            let paths: Vec<PathBuf> = md.figures.iter().map(|(f, _)| dir.join(f)).collect();
            let mut files: Vec<(&Path, &[u8])> = paths
                .iter()
                .zip(&md.figures)
                .map(|(p, (_, svg))| (p.as_path(), svg.as_bytes()))
                .collect();
            files.push((output, md.text.as_bytes()));
            write_files_atomic(&files, proceed)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_comes_from_the_flag_or_the_extension() {
        let of = |name: &str| ReportFormat::of(Path::new(name), None);
        assert_eq!(of("r.html"), Ok(ReportFormat::Html));
        assert_eq!(of("r.HTM"), Ok(ReportFormat::Html));
        assert_eq!(of("out/r.md"), Ok(ReportFormat::Markdown));
        assert_eq!(of("r.markdown"), Ok(ReportFormat::Markdown));
        let pdf = of("r.pdf").unwrap_err().to_string();
        assert!(
            pdf.starts_with("r.pdf: cannot tell the report format from the extension `.pdf`"),
            "{pdf}"
        );
        assert!(of("report")
            .unwrap_err()
            .to_string()
            .contains("a name without extension"));
        assert_eq!(
            ReportFormat::of(Path::new("r.pdf"), Some(ReportFormat::Html)),
            Ok(ReportFormat::Html)
        );
    }

    #[test]
    fn a_refused_write_leaves_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("r.html");
        std::fs::write(&out, "old").unwrap();
        let doc = Document::new("T", "S");
        let err = write(&doc, &out, ReportFormat::Html, || false).unwrap_err();
        assert_eq!(err.source.kind(), std::io::ErrorKind::Interrupted);
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write(&doc, &out, ReportFormat::Html, || true).unwrap();
        assert!(std::fs::read_to_string(&out)
            .unwrap()
            .contains("<h1>T</h1>"));
    }
}

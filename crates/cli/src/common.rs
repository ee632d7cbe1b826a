//! Flags and steps shared by the subcommands: the data folder, the policy, output files.

use ambit_territory::dataset::ContiguityChoice;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the bundled Lombardy data folder is: `data/lombardy` under the working directory,
/// else the one of the source tree the binary was built from.
pub fn default_data_dir() -> PathBuf {
    let local = PathBuf::from("data/lombardy");
    if local.join(ambit_territory::dataset::MANIFEST).exists() {
        return local;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/lombardy")
}

/// Flags that choose the region's data and the reform's policy.
#[derive(clap::Args, Debug, Clone)]
pub struct DataArgs {
    /// Data folder with a dataset.toml (default: the bundled Lombardy data).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Policy file (default: the one the data folder names).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Contiguity: rook (a shared boundary segment) or queen (a shared corner is enough);
    /// default: the data folder's choice, else rook.
    #[arg(long, value_enum, value_name = "KIND")]
    pub contiguity: Option<ContiguityChoice>,
    /// Column of municipality codes in a district map file given by path (default: `code`,
    /// `istat_code`, `insee`... or the column holding the region's codes).
    #[arg(long, value_name = "NAME")]
    pub code_column: Option<String>,
    /// Column of district names in a district map file given by path (default: `district`,
    /// `ambito`, `epci`...).
    #[arg(long, value_name = "NAME")]
    pub district_column: Option<String>,
}

/// A loaded data folder with its compiled policy.
pub struct Loaded {
    /// The data folder.
    pub dataset: ambit_territory::Dataset,
    /// The policy compiled for its territory.
    pub policy: ambit_rules::CompiledPolicy,
}

impl DataArgs {
    /// The data folder to use.
    pub fn dir(&self) -> PathBuf {
        self.data.clone().unwrap_or_else(default_data_dir)
    }

    /// Loads the data folder (contiguity and map columns as the flags say), printing its
    /// repair notices on stderr.
    pub fn dataset(&self) -> Result<ambit_territory::Dataset> {
        let mut dataset = ambit_territory::Dataset::load(&self.dir())?;
        if let Some(c) = self.contiguity {
            dataset.set_contiguity(c)?;
        }
        dataset.map_columns = ambit_territory::ColumnChoice {
            code: self.code_column.clone(),
            district: self.district_column.clone(),
        };
        notices(&dataset.territory.notices);
        Ok(dataset)
    }

    /// Loads the data folder and compiles the policy, printing repair notices on stderr.
    pub fn load(&self) -> Result<Loaded> {
        let dataset = self.dataset()?;
        let path = match (&self.policy, dataset.default_policy()) {
            (Some(p), _) => p.clone(),
            (None, Some(p)) => p,
            (None, None) => anyhow::bail!(
                "no --policy given and {} names none",
                self.dir()
                    .join(ambit_territory::dataset::MANIFEST)
                    .display()
            ),
        };
        let file = ambit_rules::PolicyFile::load(&path)?;
        let policy = ambit_rules::CompiledPolicy::compile(file, &dataset.territory)?;
        Ok(Loaded { dataset, policy })
    }
}

/// The title of a map of the district map `name` against the loaded policy.
pub fn map_title(loaded: &Loaded, name: Option<&str>) -> String {
    let policy = &loaded.policy.file.policy.name;
    ambit_report::map::map_title(&loaded.dataset, policy, name)
}

/// Output formats of tabular results (`--format`).
pub use ambit_report::table::Format;

/// Writes `text` to `path` whole (temporary file and rename), or to stdout when `path` is None.
pub fn emit(text: &str, path: Option<&Path>) -> Result<()> {
    match path {
        Some(p) => {
            // Ctrl-C while the temporary file exists must not leave it behind: the handler
            // waits for this write to finish (whole), then the command ends
            let _guard = crate::interrupt::Guard::new();
            ambit_report::write_atomic(p, text.as_bytes())
                .with_context(|| format!("{}: cannot write", p.display()))?;
            Ok(crate::interrupt::check()?)
        }
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`ambit audit | head`) is not an error worth a message.
            match out.write_all(text.as_bytes()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                r => r.context("cannot write to standard output"),
            }
        }
    }
}

/// Prints the repair notices of a file read (`notice: ...` on stderr).
pub fn notices(list: &[impl std::fmt::Display]) {
    for n in list {
        eprintln!("notice: {n}");
    }
}

/// A progress bar of `len` steps drawn with `template` on stderr, or a hidden one.
pub fn progress_bar(len: u64, template: &str, visible: bool) -> indicatif::ProgressBar {
    let bar = if visible {
        indicatif::ProgressBar::new(len)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

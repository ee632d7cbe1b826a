//! Flags and steps shared by the subcommands: the data folder, the policy, output files.

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
pub use ambit_territory::dataset::DataChoice;

/// A loaded data folder with its compiled policy.
pub struct Loaded {
    /// The data folder.
    pub dataset: ambit_territory::Dataset,
    /// The policy compiled for its territory.
    pub policy: ambit_rules::CompiledPolicy,
}

/// Loads the data folder the flags choose, printing its repair notices on stderr.
pub fn dataset(args: &DataChoice) -> Result<ambit_territory::Dataset> {
    let dataset = args.load(default_data_dir)?;
    notices(&dataset.territory.notices);
    Ok(dataset)
}

/// Loads the data folder and compiles the policy, printing repair notices on stderr.
pub fn load(args: &DataChoice) -> Result<Loaded> {
    let dataset = dataset(args)?;
    let file = ambit_rules::PolicyFile::load(&args.policy_path(&dataset)?)?;
    let policy = ambit_rules::CompiledPolicy::compile(file, &dataset.territory)?;
    Ok(Loaded { dataset, policy })
}

/// The title of a map of the district map `name` against the loaded policy.
pub fn map_title(loaded: &Loaded, name: Option<&str>) -> String {
    let policy = &loaded.policy.file.policy.name;
    ambit_report::map::map_title(&loaded.dataset, policy, name)
}

/// Output formats of tabular results (`--format`).
pub use ambit_report::table::Format;

/// Flags of a command that writes one table or document: its format and file.
#[derive(clap::Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write to this file (whole or not at all) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

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

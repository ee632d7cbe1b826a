//! Inputs shared by `ambit plan` and `ambit check`: a data folder with a policy, or the
//! language-neutral benchmark format (units.csv + edges.csv) with a threshold, chosen by the
//! flag group `ambit_plan::input::InputChoice` and read by `ambit_plan::input`.

pub use ambit_plan::input::{Baseline, Input, InputChoice};
use anyhow::Result;

/// Loads the inputs the flags choose, printing the data folder's repair notices on stderr.
pub fn load(choice: &InputChoice) -> Result<Input> {
    let notices = |d: &ambit_territory::Dataset| crate::common::notices(&d.territory.notices);
    Ok(choice.load(crate::common::default_data_dir, notices)?)
}

/// Loads a district map (a dataset map name or a CSV `code,district`), printing its notices.
pub fn load_map(input: &Input, name_or_path: &str) -> Result<Baseline> {
    let (map, notices) = input.load_map(name_or_path)?;
    crate::common::notices(&notices);
    Ok(map)
}

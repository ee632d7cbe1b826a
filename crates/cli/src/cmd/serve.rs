//! `ambit serve`.

/// Flags of `ambit serve`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `ambit serve`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`ambit serve` is not implemented yet")
}

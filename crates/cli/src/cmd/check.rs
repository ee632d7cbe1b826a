//! `ambit check`.

/// Flags of `ambit check`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `ambit check`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`ambit check` is not implemented yet")
}

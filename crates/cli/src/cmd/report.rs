//! `ambit report`.

/// Flags of `ambit report`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `ambit report`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`ambit report` is not implemented yet")
}

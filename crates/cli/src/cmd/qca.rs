//! `ambit qca`.

/// Flags of `ambit qca`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `ambit qca`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`ambit qca` is not implemented yet")
}

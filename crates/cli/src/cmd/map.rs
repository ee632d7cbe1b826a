//! `ambit map`.

/// Flags of `ambit map`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `ambit map`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`ambit map` is not implemented yet")
}

//! `ambit assess`.

/// Flags of `ambit assess`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `ambit assess`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`ambit assess` is not implemented yet")
}

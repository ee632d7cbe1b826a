//! `ambit govern`.

/// Flags of `ambit govern`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `ambit govern`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`ambit govern` is not implemented yet")
}

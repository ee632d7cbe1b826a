//! `ambit plan`.

/// Flags of `ambit plan`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `ambit plan`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`ambit plan` is not implemented yet")
}

//! `ambit audit`.

/// Flags of `ambit audit`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `ambit audit`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`ambit audit` is not implemented yet")
}

//! `ambit simulate`.

/// Flags of `ambit simulate`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `ambit simulate`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`ambit simulate` is not implemented yet")
}

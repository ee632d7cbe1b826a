//! `ambit cases`.

/// Flags of `ambit cases`.
#[derive(clap::Args)]
pub struct Args {}

/// Runs `ambit cases`.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`ambit cases` is not implemented yet")
}

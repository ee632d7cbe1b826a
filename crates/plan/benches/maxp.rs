//! Criterion benchmark: max-p on generated lattices.
fn main() {}

//! One module per subcommand: its flags (`Args`) and its `run`. Each module is owned by the
//! crate it wires, so that work on one command does not touch the others.

pub mod assess;
pub mod audit;
pub mod cases;
pub mod check;
pub mod govern;
pub mod import;
pub mod map;
pub mod plan;
pub mod qca;
pub mod qca_robust;
pub mod report;
pub mod serve;
pub mod simulate;

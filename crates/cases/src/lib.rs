//! Cooperation cases coded in the structures/processes/actors framework, and their assessment.
//!
//! A case file (TOML) codes one intermunicipal partnership in the framework of the Lombardy
//! 2018 study (structures, processes, actors, barriers, paradoxes, performance), each value with
//! its evidence; `"unknown"` is a value distinct from absent (`false`). From cases this crate
//! builds QCA data matrices (crisp or fuzzy, with an explicit policy for unknowns), runs QCA on
//! them ([`analysis::analyse`]: truth table and solutions with their fit), and applies
//! models (sums of products such as `TIES*TRUST + LEAD`) to candidate partnerships, saying which
//! path holds, what is missing, and how much the prediction rests on assumptions.
//!
//! The crate does no I/O beyond reading the files it is asked to read; it knows nothing of
//! terminals, HTTP or territories.
//!
//! ```
//! use ambit_cases::{assess, Case, Model, Prediction, Profile};
//!
//! let text = r#"
//! id = "X"
//! name = "Two area plans with close ties"
//! [structures]
//! ties = true
//! trust = 1
//! [actors.roles]
//! sponsor = "unknown"
//! "#;
//! let partnership = Case::from_toml(text, "x.toml", Profile::Partnership)?;
//! let model = Model::builtin("study-2018").expect("shipped")?;
//! let a = assess(&model, &partnership)?;
//! assert_eq!(a.predicted, Prediction::Success); // TIES*TRUST holds whatever LEAD is
//! assert!(!a.rests_on_assumptions);
//! # Ok::<(), ambit_cases::CaseError>(())
//! ```

pub mod analysis;
pub mod assess;
pub mod case;
pub mod collection;
pub mod conditions;
pub mod derive;
pub mod error;
pub mod expr;
pub mod field;
pub mod matrix;
pub mod membership;
pub mod model;
mod toml_file;

pub use assess::{assess, Assessment, Prediction};
pub use case::{Case, Profile};
pub use error::CaseError;
pub use expr::Expr;
pub use field::{Basis, Evidence, Field};
pub use matrix::{CaseTable, ConditionSpec, Matrix, MatrixSpec, Scale, UnknownPolicy};
pub use membership::{Bounds, Coded, Membership};
pub use model::{Model, Support};

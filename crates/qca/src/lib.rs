//! Qualitative Comparative Analysis (QCA): calibration, truth tables, exact Boolean minimisation
//! and parameters of fit, matching R package QCA 3.25.1 (A. Dusa) on its published examples.
//!
//! Data flow: a [`DataMatrix`] (case labels and numeric columns, from CSV) is calibrated with
//! [`calibrate`], tabulated into a [`TruthTable`], minimised into a [`Solution`] (prime implicant
//! chart, every minimal model, essential implicants, simplifying assumptions, intermediate
//! solutions with easy and difficult counterfactuals) and assessed with [`fit`]. Expressions are
//! read and written in R syntax (`~X`, `X[v]`, `*`, `+`) by [`Expression`].
//!
//! Minimisation is exact: no heuristic stopping rule, and every minimum cover is enumerated, so
//! model ambiguity is always reported. Up to 12 conditions every prime implicant is listed (R's
//! chart); beyond, [`certified`] lists only those a minimum model can use, with a proof, and
//! [`minimize_with`] takes a [`Budget`] (deadline, memory, cancellation, progress): each
//! [`Solution::certificate`] says whether its models are proven minimal and complete, or gives
//! the proven lower bound of a stopped search.
//! Prime implicants with remainders are the minimal transversals of the conditions on which a
//! positive row differs from the negative rows (64-bit masks, MMCS), so remainders are never
//! listed; the chart is solved by branch and bound on its cyclic core with LP-dual bounds.
//! [`ModelSearch::FirstMinimal`] proves a model minimal with a lower bound (positive rows no
//! implicant can share) while listing only short implicants, which scales to 24 conditions.
//!
//! # Where we differ from R QCA (on purpose)
//!
//! - Prime implicants are always complete: R's CCubes stops its search heuristically on large
//!   problems; we never do, so on hard inputs we may report more implicants or models than R.
//! - All minimum covers are enumerated ([`ModelSearch::AllMinimal`]) and model ambiguity is flagged
//!   in [`Solution::model_ambiguity`]; [`ModelSearch::FirstMinimal`] stops at one proven minimum.
//! - Conjunctural directional expectations are applied on top of the individual ones; R restarts
//!   from the conservative term for each conjunctural expectation (identical results unless both
//!   kinds remove literals from the same term).
//! - `pof` parses the expression text literally: a leading `~` is never lost (R's non-standard
//!   evaluation can drop it when the expression is passed unquoted).
//! - Implicants of every chart are listed in R's CCubes order (fewer literals first, then by
//!   condition, `~X` before `X`); R's Quine-McCluskey path (conservative charts) can list the same
//!   implicants in another order.
//! - Simplifying assumptions are listed for tables up to 2^20 rows (R: 3^k < 2^31).
//! - TFR calibration anchors at the value 1, as R does (`(F(x) - F(1)) / (1 - F(1))`).
//!
//! ```
//! use ambit_qca::{minimize, DataMatrix, MinParams, TruthTable, TtParams};
//!
//! let csv = "case,TIES,LEAD,SUCCESS\nA,1,1,1\nB,1,0,1\nC,0,0,0\nD,0,0,0\n";
//! let data = DataMatrix::from_csv_reader("seed.csv", csv.as_bytes()).unwrap();
//! let tt = TruthTable::build(&data, &TtParams::new("SUCCESS")).unwrap();
//! let params = MinParams { include_remainders: true, ..MinParams::default() };
//! let solution = minimize(&tt, &params).unwrap();
//! assert_eq!(solution.models, vec![vec!["TIES".to_string()]]);
//! assert_eq!(solution.fit.models[0].model_fit.cov_s, 1.0);
//! ```

pub mod calibrate;
pub mod certified;
pub mod cover;
pub mod data;
pub mod error;
pub mod expr;
pub mod fit;
pub mod implicant;
pub mod minimize;
pub mod options;
pub mod prime;
pub mod robust;
pub mod truth_table;

pub use certified::{Budget, Certificate, Progress, StopReason};
pub use data::DataMatrix;
pub use error::{QcaError, Result};
pub use expr::{Conjunction, Expression, Literal, LiteralValue};
pub use fit::{
    pof, super_subset, super_subset_report, NecessityFit, PofRow, Relation, SetFit,
    SuperSubsetParams, SuperSubsetReport, SuperSubsetRow,
};
pub use implicant::Implicant;
pub use minimize::{
    contradictory_simplifying_assumptions, minimize, minimize_with, split_dir_exp, ChartScope,
    IntermediateSolution, MinParams, ModelSearch, PiChartEntry, RowRef, Solution, SolutionFit,
    TermFit,
};
pub use truth_table::{InclCut, Out, SortKey, SortOrder, TruthTable, TtParams, TtRow};

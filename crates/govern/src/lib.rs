//! Assembly design for a district: who holds how much voting power under a set of rules, and who
//! pays what.
//!
//! Rules are data ([`AssemblyRules`], read from TOML); each decision rule is reduced to an integer
//! weighted game ([`Game`]) whose Banzhaf and Shapley-Shubik indices are computed exactly by
//! dynamic programming ([`power()`]). The crate does no I/O beyond parsing text handed to it.
//!
//! ```
//! use ambit_govern::{power, Game, Indices, PowerOptions, WeightQuota, WinningRule};
//! // Straffin's example: quota 6, weights 4, 3, 2, 1.
//! let game = Game::new(vec![4, 3, 2, 1], WinningRule::weighted(WeightQuota::Absolute(6)));
//! let p = power(&game, Indices::Both, &PowerOptions::default()).unwrap();
//! assert!((p.banzhaf[0] - 5.0 / 12.0).abs() < 1e-12);
//! ```

pub mod analysis;
pub mod budget;
#[cfg(feature = "dataset")]
pub mod dataset;
pub mod error;
pub mod game;
pub mod member;
pub mod power;
pub mod rules;
pub mod search;
pub mod share;
pub mod study;

pub use analysis::{assess, assess_game, Assessment, LargestMember, MemberPower};
pub use budget::{share_budget, Allocation, Budget, BudgetInput, BudgetLine, ParseAllocationError};
pub use error::GovernError;
pub use game::{Game, WeightQuota, WinningRule};
pub use member::Member;
pub use power::{power, Indices, Power, PowerOptions, Scaling};
pub use rules::{AssemblyRules, DecisionRule, PresidentRule, WeightBasis, WeightLines, WeightRule};
pub use search::{search, Candidate, Family, Target};
pub use share::Share;
pub use study::{BudgetRequest, Study};

//! One study of a district's assembly, as `ambit govern` asks for it: rule books compared side
//! by side, optionally a rule search and a budget split, over the same members.

use crate::{
    assess, share_budget, Allocation, AssemblyRules, Assessment, Budget, BudgetInput, GovernError,
    Indices, Member, PowerOptions, Target,
};

/// A budget to share: the yearly cost, the incentive deducted first, and the split.
#[derive(Debug, Clone)]
pub struct BudgetRequest {
    /// Shared yearly cost (EUR).
    pub cost: f64,
    /// Incentive granted to the district (EUR), deducted before the split.
    pub incentive: f64,
    /// How the rest is split.
    pub allocation: Allocation,
}

/// What is studied, in plain values.
#[derive(Debug, Clone)]
pub struct Study {
    /// Rule books to assess, side by side.
    pub rules: Vec<AssemblyRules>,
    /// The named matter assessed instead of ordinary decisions.
    pub matter: Option<String>,
    /// Which indices to compute.
    pub indices: Indices,
    /// The target of a rule search, if one is run (see [`crate::search()`]).
    pub search: Option<Target>,
    /// The budget to share, if any.
    pub budget: Option<BudgetRequest>,
    /// Limits of the power computation.
    pub options: PowerOptions,
}

impl Study {
    /// Every rule book assessed for `members`, in the order given.
    pub fn assessments(
        &self,
        members: &[Member],
    ) -> Result<Vec<(AssemblyRules, Assessment)>, GovernError> {
        let matter = self.matter.as_deref();
        (self.rules.iter())
            .map(|r| {
                Ok((
                    r.clone(),
                    assess(r, members, matter, self.indices, &self.options)?,
                ))
            })
            .collect()
    }

    /// The budget split among `members` (`inputs`: each member's use and present payment,
    /// default when None), if a budget is asked for.
    pub fn budget(
        &self,
        members: &[Member],
        inputs: Option<Vec<BudgetInput>>,
    ) -> Result<Option<Budget>, GovernError> {
        let Some(b) = &self.budget else {
            return Ok(None);
        };
        let inputs = inputs.unwrap_or_else(|| vec![BudgetInput::default(); members.len()]);
        share_budget(members, &inputs, b.cost, b.incentive, b.allocation).map(Some)
    }
}

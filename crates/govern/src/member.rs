//! Members of an assembly: the comuni of a district with their populations.

use serde::Serialize;

/// One member of an assembly (a comune of the district).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// Municipality code (ISTAT code for Italy; kept as text so leading zeros survive).
    pub code: String,
    /// Name of the municipality.
    pub name: String,
    /// Resident population.
    pub population: u64,
}

impl Member {
    /// Builds a member.
    pub fn new(code: impl Into<String>, name: impl Into<String>, population: u64) -> Member {
        Member {
            code: code.into(),
            name: name.into(),
            population,
        }
    }
}

/// Index of the member with the largest population (first one on ties), `None` if empty.
pub fn largest(members: &[Member]) -> Option<usize> {
    members
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.population.cmp(&b.1.population).then(b.0.cmp(&a.0)))
        .map(|(i, _)| i)
}

/// Finds a member by exact code or case-insensitive name.
pub fn find(members: &[Member], key: &str) -> Option<usize> {
    let k = key.trim();
    members
        .iter()
        .position(|m| m.code == k)
        .or_else(|| members.iter().position(|m| m.name.eq_ignore_ascii_case(k)))
}

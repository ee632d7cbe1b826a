//! Implicants: conjunctions of single-value literals, one code per condition
//! (0 = the condition is absent from the conjunction, v + 1 = the condition takes value v).

use std::cmp::Ordering;

/// A conjunction of condition values, as a vector of per-condition codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Implicant {
    codes: Vec<u8>,
}

impl Implicant {
    /// Builds an implicant from per-condition codes (0 = absent, v + 1 = value v).
    pub fn from_codes(codes: Vec<u8>) -> Self {
        Self { codes }
    }

    /// The minterm of a truth table row (every condition at its value).
    pub fn from_row(values: &[u8]) -> Self {
        Self {
            codes: values.iter().map(|v| v + 1).collect(),
        }
    }

    /// Per-condition codes.
    pub fn codes(&self) -> &[u8] {
        &self.codes
    }

    /// Number of literals.
    pub fn complexity(&self) -> usize {
        self.codes.iter().filter(|&&c| c != 0).count()
    }

    /// Whether a row (condition values) belongs to this conjunction.
    pub fn covers(&self, values: &[u8]) -> bool {
        self.codes
            .iter()
            .zip(values)
            .all(|(&c, &v)| c == 0 || c == v + 1)
    }

    /// Whether every literal of `self` is also in `other` (so `other` is a subset of `self`).
    pub fn subsumes(&self, other: &Implicant) -> bool {
        self.codes
            .iter()
            .zip(&other.codes)
            .all(|(&a, &b)| a == 0 || a == b)
    }

    /// Writes it as R does: `A*~B` for binary sets, `A[1]*B[0]` when any condition is multi-value.
    pub fn to_r_string(&self, conditions: &[String], multi_value: bool) -> String {
        let mut parts = Vec::new();
        for (j, &c) in self.codes.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let name = &conditions[j];
            parts.push(if multi_value {
                format!("{name}[{}]", c - 1)
            } else if c == 2 {
                name.clone()
            } else {
                format!("~{name}")
            });
        }
        parts.join("*")
    }

    /// All rows (condition values) covered, enumerated in increasing row order.
    pub fn expand(&self, noflevels: &[u8]) -> Vec<Vec<u8>> {
        let mut rows = vec![Vec::with_capacity(self.codes.len())];
        for (j, &c) in self.codes.iter().enumerate() {
            let values: Vec<u8> = if c == 0 {
                (0..noflevels[j]).collect()
            } else {
                vec![c - 1]
            };
            let mut next = Vec::with_capacity(rows.len() * values.len());
            for r in &rows {
                for &v in &values {
                    let mut r2 = r.clone();
                    r2.push(v);
                    next.push(r2);
                }
            }
            rows = next;
        }
        rows
    }
}

/// R's order of prime implicants: fewer literals first, then by the first condition in which two
/// implicants differ (using an earlier condition first; a lower value, i.e. `~X`, before `X`).
pub fn r_order(a: &Implicant, b: &Implicant) -> Ordering {
    a.complexity().cmp(&b.complexity()).then_with(|| {
        let key = |c: u8| if c == 0 { u16::MAX } else { u16::from(c) };
        for (&x, &y) in a.codes.iter().zip(&b.codes) {
            let o = key(x).cmp(&key(y));
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    })
}

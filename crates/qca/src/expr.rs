//! Sum-of-products expressions in R QCA syntax: `~X` (absence), `X[v]` (multi-value), `*` (and),
//! `+` (or). Parsed, printed as R prints them, and evaluated with fuzzy min (and) / max (or).

use crate::data::DataMatrix;
use crate::error::{QcaError, Result};
use std::fmt;

/// What a literal asks of its condition.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LiteralValue {
    /// `X`: membership in the set (value 1).
    Present,
    /// `~X`: membership in the negation (1 - x).
    Absent,
    /// `X[v]` or `X[v1,v2]`: one of these categories of a multi-value condition.
    Values(Vec<u32>),
}

/// One condition with the value it must take.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Literal {
    /// Condition (column) name.
    pub condition: String,
    /// Required value.
    pub value: LiteralValue,
}

/// A conjunction of literals (an empty one is the universal set).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Conjunction(pub Vec<Literal>);

/// A disjunction of conjunctions (sum of products).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Expression {
    /// The terms of the sum, in the order given.
    pub terms: Vec<Conjunction>,
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            LiteralValue::Present => write!(f, "{}", self.condition),
            LiteralValue::Absent => write!(f, "~{}", self.condition),
            LiteralValue::Values(vs) => {
                let list: Vec<String> = vs.iter().map(|v| v.to_string()).collect();
                write!(f, "{}[{}]", self.condition, list.join(","))
            }
        }
    }
}

impl fmt::Display for Conjunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|l| l.to_string()).collect();
        write!(f, "{}", parts.join("*"))
    }
}

impl fmt::Display for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.terms.iter().map(|t| t.to_string()).collect();
        write!(f, "{}", parts.join(" + "))
    }
}

impl Expression {
    /// Parses R syntax: `A*~B + C[2]`, `A*B{1,2}` (curly brackets are accepted as in R).
    pub fn parse(text: &str) -> Result<Self> {
        let err = |message: String| QcaError::Parse {
            expression: text.to_string(),
            message,
        };
        let chars: Vec<char> = text.chars().collect();
        let mut pos = 0;
        let mut terms = Vec::new();
        let mut literals = Vec::new();
        let skip_ws = |pos: &mut usize| {
            while *pos < chars.len() && chars[*pos].is_whitespace() {
                *pos += 1;
            }
        };
        loop {
            skip_ws(&mut pos);
            let mut negated = false;
            while pos < chars.len() && (chars[pos] == '~' || chars[pos] == '-') {
                negated = !negated;
                pos += 1;
                skip_ws(&mut pos);
            }
            let start = pos;
            while pos < chars.len()
                && (chars[pos].is_alphanumeric() || chars[pos] == '_' || chars[pos] == '.')
            {
                pos += 1;
            }
            if start == pos {
                return Err(err(format!(
                    "expected a condition name at character {}",
                    pos + 1
                )));
            }
            let name: String = chars[start..pos].iter().collect();
            skip_ws(&mut pos);
            let mut value = if negated {
                LiteralValue::Absent
            } else {
                LiteralValue::Present
            };
            if pos < chars.len() && (chars[pos] == '[' || chars[pos] == '{') {
                let close = if chars[pos] == '[' { ']' } else { '}' };
                pos += 1;
                let vstart = pos;
                while pos < chars.len() && chars[pos] != close {
                    pos += 1;
                }
                if pos >= chars.len() {
                    return Err(err(format!("missing `{close}` after `{name}`")));
                }
                let inner: String = chars[vstart..pos].iter().collect();
                pos += 1;
                let mut vs = Vec::new();
                for part in inner.split(',') {
                    let v = part.trim().parse::<u32>().map_err(|_| {
                        err(format!(
                            "`{}` in `{name}[{inner}]` is not a category number",
                            part.trim()
                        ))
                    })?;
                    vs.push(v);
                }
                if negated {
                    return Err(err(format!("`~{name}[{inner}]`: negate a multi-value literal by listing the other categories")));
                }
                value = LiteralValue::Values(vs);
            }
            literals.push(Literal {
                condition: name,
                value,
            });
            skip_ws(&mut pos);
            if pos >= chars.len() {
                terms.push(Conjunction(std::mem::take(&mut literals)));
                break;
            }
            match chars[pos] {
                '*' => pos += 1,
                '+' => {
                    pos += 1;
                    terms.push(Conjunction(std::mem::take(&mut literals)));
                }
                c => return Err(err(format!("unexpected `{c}` at character {}", pos + 1))),
            }
        }
        Ok(Expression { terms })
    }

    /// Fuzzy membership of every case: max over terms of (min over literals).
    pub fn evaluate(&self, data: &DataMatrix) -> Result<Vec<f64>> {
        let mut out = vec![0.0f64; data.cases().len()];
        for term in &self.terms {
            let m = term.evaluate(data)?;
            for (o, v) in out.iter_mut().zip(m) {
                *o = o.max(v);
            }
        }
        Ok(out)
    }

    /// Names of the conditions the expression uses, in order of first appearance.
    pub fn conditions(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for t in &self.terms {
            for l in &t.0 {
                if !names.contains(&l.condition) {
                    names.push(l.condition.clone());
                }
            }
        }
        names
    }
}

impl Conjunction {
    /// Fuzzy membership of every case in this conjunction (min over literals).
    pub fn evaluate(&self, data: &DataMatrix) -> Result<Vec<f64>> {
        let mut out = vec![1.0f64; data.cases().len()];
        for lit in &self.0 {
            let m = lit.evaluate(data)?;
            for (o, v) in out.iter_mut().zip(m) {
                *o = o.min(v);
            }
        }
        Ok(out)
    }
}

impl Literal {
    /// Membership of every case in this literal.
    ///
    /// Crisp and multi-value columns (integer values): `X[v]` is 1 when the value is `v`; `X` is
    /// the value itself on a binary column. Fuzzy columns: `X` is x, `~X` is 1 - x, `X[1]` is x and
    /// `X[0]` is 1 - x.
    ///
    /// The column is validated as a truth table validates it (fuzzy scores in [0, 1], categories
    /// non-negative integers), so `fit` refuses what `tt` refuses, naming the file, line and value.
    pub fn evaluate(&self, data: &DataMatrix) -> Result<Vec<f64>> {
        let (x, fuzzy, _) = crate::truth_table::condition_values(data, &self.condition)?;
        let multi = !fuzzy && x.iter().any(|&v| v > 1.0);
        let present = |v: f64| {
            if multi {
                f64::from(u8::from(v == 1.0))
            } else {
                v
            }
        };
        Ok(x.iter()
            .map(|&v| match &self.value {
                LiteralValue::Present => present(v),
                LiteralValue::Absent => 1.0 - present(v),
                LiteralValue::Values(vs) => {
                    if fuzzy {
                        vs.iter()
                            .map(|&c| {
                                if c == 0 {
                                    1.0 - v
                                } else if c == 1 {
                                    v
                                } else {
                                    0.0
                                }
                            })
                            .fold(0.0, f64::max)
                    } else {
                        f64::from(u8::from(vs.iter().any(|&c| f64::from(c) == v)))
                    }
                }
            })
            .collect())
    }
}

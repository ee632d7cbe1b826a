//! Boolean/fuzzy expressions written as R's QCA writes them: `TIES*TRUST + LEAD`, `~TIES`.
//!
//! Grammar: `expr := term ('+' term)*`, `term := factor ('*' factor)*`,
//! `factor := '~' factor | '(' expr ')' | NAME`. `*` is fuzzy AND (minimum), `+` fuzzy OR
//! (maximum), `~` negation (`1 - x`), as in Ragin's fuzzy-set algebra. Names start with a letter
//! and hold letters, digits and `_`. Multi-value literals (`X[1]`) are not supported here.

use crate::membership::Bounds;
use std::collections::BTreeSet;
use std::fmt;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A condition by name.
    Var(String),
    /// Negation.
    Not(Box<Expr>),
    /// Conjunction (two or more operands).
    And(Vec<Expr>),
    /// Disjunction (two or more operands).
    Or(Vec<Expr>),
}

/// A syntax error at a character position of the expression.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at character {position}: {message}")]
pub struct ExprError {
    /// 1-based character position.
    pub position: usize,
    /// What was expected.
    pub message: String,
}

impl Expr {
    /// Parses an expression.
    pub fn parse(text: &str) -> Result<Expr, ExprError> {
        let chars: Vec<char> = text.chars().collect();
        let mut p = Parser { chars, pos: 0 };
        let e = p.expr()?;
        p.skip_ws();
        if p.pos < p.chars.len() {
            return Err(p.error(format!(
                "unexpected `{}`; expected `+`, `*` or the end",
                p.chars[p.pos]
            )));
        }
        Ok(e)
    }

    /// The top-level disjuncts: the paths of a sum of products.
    pub fn terms(&self) -> Vec<&Expr> {
        match self {
            Expr::Or(ts) => ts.iter().collect(),
            other => vec![other],
        }
    }

    /// The top-level conjuncts of a term (its literals, for a product).
    pub fn factors(&self) -> Vec<&Expr> {
        match self {
            Expr::And(fs) => fs.iter().collect(),
            other => vec![other],
        }
    }

    /// Every condition name in the expression.
    pub fn conditions(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        self.collect(&mut out);
        out
    }

    fn collect(&self, out: &mut BTreeSet<String>) {
        match self {
            Expr::Var(n) => {
                out.insert(n.clone());
            }
            Expr::Not(e) => e.collect(out),
            Expr::And(es) | Expr::Or(es) => es.iter().for_each(|e| e.collect(out)),
        }
    }

    /// Evaluates on membership bounds; `lookup` gives each condition's bounds.
    /// Returns the first name `lookup` does not know as the error.
    pub fn eval(&self, lookup: &dyn Fn(&str) -> Option<Bounds>) -> Result<Bounds, String> {
        Ok(match self {
            Expr::Var(n) => lookup(n).ok_or_else(|| n.clone())?,
            Expr::Not(e) => e.eval(lookup)?.negate(),
            Expr::And(es) => {
                let mut acc = Bounds {
                    low: 1.0,
                    high: 1.0,
                };
                for e in es {
                    acc = acc.and(e.eval(lookup)?);
                }
                acc
            }
            Expr::Or(es) => {
                let mut acc = Bounds {
                    low: 0.0,
                    high: 0.0,
                };
                for e in es {
                    acc = acc.or(e.eval(lookup)?);
                }
                acc
            }
        })
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Var(n) => write!(f, "{n}"),
            Expr::Not(e) => match **e {
                Expr::Var(_) | Expr::Not(_) => write!(f, "~{e}"),
                _ => write!(f, "~({e})"),
            },
            Expr::And(es) => {
                for (i, e) in es.iter().enumerate() {
                    if i > 0 {
                        write!(f, "*")?;
                    }
                    match e {
                        Expr::Or(_) => write!(f, "({e})")?,
                        _ => write!(f, "{e}")?,
                    }
                }
                Ok(())
            }
            Expr::Or(es) => {
                for (i, e) in es.iter().enumerate() {
                    if i > 0 {
                        write!(f, " + ")?;
                    }
                    write!(f, "{e}")?;
                }
                Ok(())
            }
        }
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn error(&self, message: String) -> ExprError {
        ExprError {
            position: self.pos + 1,
            message,
        }
    }

    fn skip_ws(&mut self) {
        while self.pos < self.chars.len() && self.chars[self.pos].is_whitespace() {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_ws();
        if self.chars.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expr(&mut self) -> Result<Expr, ExprError> {
        let mut terms = vec![self.term()?];
        while self.eat('+') {
            terms.push(self.term()?);
        }
        Ok(if terms.len() == 1 {
            terms.remove(0)
        } else {
            Expr::Or(terms)
        })
    }

    fn term(&mut self) -> Result<Expr, ExprError> {
        let mut factors = vec![self.factor()?];
        while self.eat('*') {
            factors.push(self.factor()?);
        }
        Ok(if factors.len() == 1 {
            factors.remove(0)
        } else {
            Expr::And(factors)
        })
    }

    fn factor(&mut self) -> Result<Expr, ExprError> {
        if self.eat('~') {
            return Ok(Expr::Not(Box::new(self.factor()?)));
        }
        if self.eat('(') {
            let e = self.expr()?;
            if !self.eat(')') {
                return Err(self.error("expected `)`".into()));
            }
            return Ok(e);
        }
        self.skip_ws();
        let start = self.pos;
        match self.chars.get(self.pos) {
            Some(c) if c.is_ascii_alphabetic() => {}
            Some(c) => {
                return Err(self.error(format!(
                    "unexpected `{c}`; expected a condition name, `~` or `(`"
                )))
            }
            None => return Err(self.error("expected a condition name, `~` or `(`".into())),
        }
        while self
            .chars
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
        {
            self.pos += 1;
        }
        Ok(Expr::Var(self.chars[start..self.pos].iter().collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::membership::Membership;

    fn b(x: f64) -> Bounds {
        Bounds::point(Membership::new(x).unwrap_or(Membership::OUT))
    }

    #[test]
    fn parses_and_prints_r_style() {
        let e = Expr::parse(" TIES * TRUST+LEAD ").unwrap();
        assert_eq!(e.to_string(), "TIES*TRUST + LEAD");
        assert_eq!(e.terms().len(), 2);
        let e = Expr::parse("~(TIES*TRUST)*~LEAD").unwrap();
        assert_eq!(e.to_string(), "~(TIES*TRUST)*~LEAD");
        assert_eq!(
            e.conditions().into_iter().collect::<Vec<_>>(),
            vec!["LEAD", "TIES", "TRUST"]
        );
    }

    #[test]
    fn reports_position_of_errors() {
        assert_eq!(Expr::parse("TIES +").unwrap_err().position, 7);
        assert_eq!(Expr::parse("TIES * (LEAD").unwrap_err().position, 13);
        assert_eq!(Expr::parse("TIES LEAD").unwrap_err().position, 6);
        assert_eq!(Expr::parse("1X").unwrap_err().position, 1);
    }

    #[test]
    fn evaluates_fuzzy_min_max() {
        let e = Expr::parse("A*~B + C").unwrap();
        let look = |n: &str| match n {
            "A" => Some(b(0.8)),
            "B" => Some(b(0.3)),
            "C" => Some(b(0.6)),
            _ => None,
        };
        // max(min(0.8, 0.7), 0.6) = 0.7
        let v = e.eval(&look).unwrap();
        assert!((v.low - 0.7).abs() < 1e-12 && v.is_known());
        assert_eq!(Expr::parse("A*D").unwrap().eval(&look), Err("D".into()));
    }
}

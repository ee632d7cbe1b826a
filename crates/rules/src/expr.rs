//! The small expression language of policy files.
//!
//! District-level expressions combine aggregates of the members with arithmetic,
//! comparisons and `and`/`or`/`not`:
//!
//! - `population`, `area`, `density`, `members`, and any name of the policy's `[constants]`;
//! - `pop_share(P)`, `member_share(P)`, `count(P)`: of the members matching the member
//!   predicate `P`, their population share, their share of members, their number;
//! - `sum(attr)`, `mean(attr)`, `pop_mean(attr)`: of a numeric member attribute;
//! - `majority(attr)`: the numeric value of `attr` held by the most members (ties: the
//!   value held by the larger population, then the smaller value);
//! - `min(a, b)`, `max(a, b)`.
//!
//! Member predicates compare a municipality attribute with literals:
//! `mountain_code == 'T'`, `mountain_code in ['T', 'P']`, `altitude_centre_m >= 600`,
//! combined with `and`, `or`, `not`.

use std::fmt;

/// A parse error with its byte position in the expression.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("column {}: {message}", .position + 1)]
pub struct ExprError {
    /// Byte offset where the problem starts.
    pub position: usize,
    /// What is wrong.
    pub message: String,
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `and`
    And,
    /// `or`
    Or,
}

impl BinOp {
    fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }
}

/// A parsed expression; `span` is the byte range of the source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What the node is.
    pub kind: ExprKind,
    /// Byte range in the source.
    pub span: (usize, usize),
}

/// Expression nodes.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A number literal.
    Number(f64),
    /// A string literal (`'T'` or `"T"`).
    Text(String),
    /// A list literal `['T', 'P']`.
    List(Vec<Expr>),
    /// A name.
    Name(String),
    /// A call `f(args)`.
    Call(String, Vec<Expr>),
    /// `not e`
    Not(Box<Expr>),
    /// `-e`
    Neg(Box<Expr>),
    /// `a op b`
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `a in [list]`
    In(Box<Expr>, Box<Expr>),
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Number(n) => write!(f, "{n}"),
            ExprKind::Text(s) => write!(f, "'{s}'"),
            ExprKind::List(items) => {
                write!(f, "[")?;
                for (i, e) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{e}")?;
                }
                write!(f, "]")
            }
            ExprKind::Name(n) => write!(f, "{n}"),
            ExprKind::Call(n, args) => {
                write!(f, "{n}(")?;
                for (i, e) in args.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{e}")?;
                }
                write!(f, ")")
            }
            ExprKind::Not(e) => write!(f, "not {e}"),
            ExprKind::Neg(e) => write!(f, "-{e}"),
            ExprKind::Binary(op, a, b) => {
                let wrap = |e: &Expr| matches!(e.kind, ExprKind::Binary(..));
                let side = |e: &Expr, f: &mut fmt::Formatter<'_>| {
                    if wrap(e) {
                        write!(f, "({e})")
                    } else {
                        write!(f, "{e}")
                    }
                };
                side(a, f)?;
                write!(f, " {} ", op.symbol())?;
                side(b, f)
            }
            ExprKind::In(a, b) => write!(f, "{a} in {b}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    Sym(&'static str),
}

fn lex(src: &str) -> Result<Vec<(Tok, usize, usize)>, ExprError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b'_') {
                i += 1;
            }
            if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
                i += 1;
                if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
                    i += 1;
                }
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let text: String = src[start..i].chars().filter(|&c| c != '_').collect();
            let v = text.parse().map_err(|_| ExprError {
                position: start,
                message: format!("bad number {:?}", &src[start..i]),
            })?;
            out.push((Tok::Num(v), start, i));
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push((Tok::Ident(src[start..i].to_string()), start, i));
        } else if c == b'\'' || c == b'"' {
            i += 1;
            while i < b.len() && b[i] != c {
                i += 1;
            }
            if i >= b.len() {
                return Err(ExprError {
                    position: start,
                    message: "unterminated string".into(),
                });
            }
            out.push((Tok::Str(src[start + 1..i].to_string()), start, i + 1));
            i += 1;
        } else {
            let two = src.get(i..i + 2).unwrap_or("");
            let sym = match two {
                "<=" => Some("<="),
                ">=" => Some(">="),
                "==" => Some("=="),
                "!=" => Some("!="),
                _ => None,
            };
            let (sym, len) = match sym {
                Some(s) => (s, 2),
                None => {
                    let s = match c {
                        b'<' => "<",
                        b'>' => ">",
                        b'+' => "+",
                        b'-' => "-",
                        b'*' => "*",
                        b'/' => "/",
                        b'(' => "(",
                        b')' => ")",
                        b'[' => "[",
                        b']' => "]",
                        b',' => ",",
                        _ => {
                            return Err(ExprError {
                                position: start,
                                message: format!(
                                    "unexpected character {:?}",
                                    src[start..].chars().next().unwrap_or('?')
                                ),
                            })
                        }
                    };
                    (s, 1)
                }
            };
            i += len;
            out.push((Tok::Sym(sym), start, i));
        }
    }
    Ok(out)
}

struct Parser<'a> {
    toks: Vec<(Tok, usize, usize)>,
    pos: usize,
    src: &'a str,
}

/// Parses an expression.
pub fn parse(src: &str) -> Result<Expr, ExprError> {
    let mut p = Parser {
        toks: lex(src)?,
        pos: 0,
        src,
    };
    let e = p.or()?;
    if let Some((t, s, _)) = p.toks.get(p.pos) {
        return Err(ExprError {
            position: *s,
            message: format!("unexpected {} after a complete expression", describe(t)),
        });
    }
    Ok(e)
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(n) => format!("number {n}"),
        Tok::Str(s) => format!("string '{s}'"),
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Sym(s) => format!("`{s}`"),
    }
}

impl Parser<'_> {
    fn peek_sym(&self, s: &str) -> bool {
        matches!(self.toks.get(self.pos), Some((Tok::Sym(t), _, _)) if *t == s)
    }
    fn peek_word(&self, w: &str) -> bool {
        matches!(self.toks.get(self.pos), Some((Tok::Ident(t), _, _)) if t == w)
    }
    fn here(&self) -> usize {
        self.toks.get(self.pos).map_or(self.src.len(), |t| t.1)
    }
    fn expect(&mut self, s: &str) -> Result<usize, ExprError> {
        if self.peek_sym(s) {
            self.pos += 1;
            Ok(self.toks[self.pos - 1].2)
        } else {
            Err(ExprError {
                position: self.here(),
                message: match self.toks.get(self.pos) {
                    Some((t, _, _)) => format!("expected `{s}`, found {}", describe(t)),
                    None => format!("expected `{s}` at the end"),
                },
            })
        }
    }
    fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
        let span = (a.span.0, b.span.1);
        Expr {
            kind: ExprKind::Binary(op, Box::new(a), Box::new(b)),
            span,
        }
    }
    fn or(&mut self) -> Result<Expr, ExprError> {
        let mut e = self.and()?;
        while self.peek_word("or") {
            self.pos += 1;
            let r = self.and()?;
            e = Self::bin(BinOp::Or, e, r);
        }
        Ok(e)
    }
    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut e = self.not()?;
        while self.peek_word("and") {
            self.pos += 1;
            let r = self.not()?;
            e = Self::bin(BinOp::And, e, r);
        }
        Ok(e)
    }
    fn not(&mut self) -> Result<Expr, ExprError> {
        if self.peek_word("not") {
            let start = self.here();
            self.pos += 1;
            let e = self.not()?;
            let span = (start, e.span.1);
            return Ok(Expr {
                kind: ExprKind::Not(Box::new(e)),
                span,
            });
        }
        self.cmp()
    }
    fn cmp(&mut self) -> Result<Expr, ExprError> {
        let a = self.sum()?;
        if self.peek_word("in") {
            self.pos += 1;
            let b = self.sum()?;
            let span = (a.span.0, b.span.1);
            return Ok(Expr {
                kind: ExprKind::In(Box::new(a), Box::new(b)),
                span,
            });
        }
        let op = [
            ("<=", BinOp::Le),
            (">=", BinOp::Ge),
            ("<", BinOp::Lt),
            (">", BinOp::Gt),
            ("==", BinOp::Eq),
            ("!=", BinOp::Ne),
        ]
        .into_iter()
        .find(|(s, _)| self.peek_sym(s));
        match op {
            Some((_, op)) => {
                self.pos += 1;
                let b = self.sum()?;
                Ok(Self::bin(op, a, b))
            }
            None => Ok(a),
        }
    }
    fn sum(&mut self) -> Result<Expr, ExprError> {
        let mut e = self.prod()?;
        loop {
            let op = if self.peek_sym("+") {
                BinOp::Add
            } else if self.peek_sym("-") {
                BinOp::Sub
            } else {
                return Ok(e);
            };
            self.pos += 1;
            let r = self.prod()?;
            e = Self::bin(op, e, r);
        }
    }
    fn prod(&mut self) -> Result<Expr, ExprError> {
        let mut e = self.unary()?;
        loop {
            let op = if self.peek_sym("*") {
                BinOp::Mul
            } else if self.peek_sym("/") {
                BinOp::Div
            } else {
                return Ok(e);
            };
            self.pos += 1;
            let r = self.unary()?;
            e = Self::bin(op, e, r);
        }
    }
    fn unary(&mut self) -> Result<Expr, ExprError> {
        if self.peek_sym("-") {
            let start = self.here();
            self.pos += 1;
            let e = self.unary()?;
            let span = (start, e.span.1);
            return Ok(Expr {
                kind: ExprKind::Neg(Box::new(e)),
                span,
            });
        }
        self.atom()
    }
    fn atom(&mut self) -> Result<Expr, ExprError> {
        let Some((tok, start, end)) = self.toks.get(self.pos).cloned() else {
            return Err(ExprError {
                position: self.src.len(),
                message: "expression ends too early".into(),
            });
        };
        self.pos += 1;
        let kind = match tok {
            Tok::Num(n) => ExprKind::Number(n),
            Tok::Str(s) => ExprKind::Text(s),
            Tok::Ident(name) if self.peek_sym("(") => {
                self.pos += 1;
                let mut args = Vec::new();
                if !self.peek_sym(")") {
                    loop {
                        args.push(self.or()?);
                        if self.peek_sym(",") {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                }
                let end = self.expect(")")?;
                return Ok(Expr {
                    kind: ExprKind::Call(name, args),
                    span: (start, end),
                });
            }
            Tok::Ident(name) => ExprKind::Name(name),
            Tok::Sym("(") => {
                let e = self.or()?;
                let end = self.expect(")")?;
                return Ok(Expr {
                    span: (start, end),
                    ..e
                });
            }
            Tok::Sym("[") => {
                let mut items = Vec::new();
                if !self.peek_sym("]") {
                    loop {
                        items.push(self.sum()?);
                        if self.peek_sym(",") {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                }
                let end = self.expect("]")?;
                return Ok(Expr {
                    kind: ExprKind::List(items),
                    span: (start, end),
                });
            }
            t => {
                return Err(ExprError {
                    position: start,
                    message: format!("unexpected {}", describe(&t)),
                })
            }
        };
        Ok(Expr {
            kind,
            span: (start, end),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_precedence() {
        let e = parse("pop_share(mountain_code in ['T','P']) > 0.5 and density < 2 * 50").unwrap();
        assert_eq!(
            e.to_string(),
            "(pop_share(mountain_code in ['T', 'P']) > 0.5) and (density < (2 * 50))"
        );
    }

    #[test]
    fn errors_give_the_column() {
        let e = parse("density >> 3").unwrap_err();
        assert_eq!(e.to_string(), "column 10: unexpected `>`");
        let e = parse("max(1, 2").unwrap_err();
        assert_eq!(e.to_string(), "column 9: expected `)` at the end");
    }
}

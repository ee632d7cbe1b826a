//! A policy's rules in plain words, for people who do not read expressions: each class's
//! condition and threshold ("mountain: more than half of the population lives in comuni where
//! mountain_code is 'T'; needs more than 25,000 inhabitants"), and why a district has its class,
//! with the district's own figures ("... — here 3.8%").
//!
//! ```
//! use ambit_rules::describe::condition;
//! use ambit_rules::expr::parse;
//! let e = parse("pop_share(mountain_code == 'T') > 0.5").unwrap();
//! assert_eq!(
//!     condition(&e, &[]),
//!     "more than half of the population lives in comuni where mountain_code is 'T'"
//! );
//! ```

use crate::compile::format_value;
use crate::expr::{parse, BinOp, Expr, ExprKind};
use crate::{CompiledPolicy, Threshold};

/// The values of a condition's aggregate atoms for one district, keyed by the atom's text as
/// the expression prints it (`pop_share(mountain_code == 'T')`, `density`).
pub type Facts = [(String, f64)];

/// Words for a comparison operator ("more than", "at least", ...).
fn compare(op: BinOp) -> Option<&'static str> {
    Some(match op {
        BinOp::Gt => "more than",
        BinOp::Ge => "at least",
        BinOp::Lt => "less than",
        BinOp::Le => "at most",
        BinOp::Eq => "exactly",
        BinOp::Ne => "other than",
        _ => return None,
    })
}

/// A share in words: the common fractions by name, else a percentage.
fn share(v: f64) -> String {
    const NAMED: [(f64, &str); 6] = [
        (0.5, "half"),
        (0.25, "a quarter"),
        (0.75, "three quarters"),
        (1.0 / 3.0, "a third"),
        (2.0 / 3.0, "two thirds"),
        (1.0, "all"),
    ];
    NAMED
        .iter()
        .find(|(x, _)| (x - v).abs() < 1e-9)
        .map_or_else(|| percent(v), |(_, w)| w.to_string())
}

/// `0.038` as `3.8%`.
fn percent(v: f64) -> String {
    let p = v * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{}%", p.round())
    } else {
        format!("{p:.1}%")
    }
}

/// A condition on one member's attributes (inside `pop_share(...)`, `count(...)`): "mountain_code
/// is 'T'", "altitude is more than 600", joined with "and" / "or".
fn member_condition(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Binary(BinOp::And, a, b) => {
            format!("{} and {}", member_condition(a), member_condition(b))
        }
        ExprKind::Binary(BinOp::Or, a, b) => {
            format!("{} or {}", member_condition(a), member_condition(b))
        }
        ExprKind::Binary(BinOp::Eq, a, b) => format!("{a} is {b}"),
        ExprKind::Binary(BinOp::Ne, a, b) => format!("{a} is not {b}"),
        ExprKind::Binary(op, a, b) if compare(*op).is_some() => {
            format!("{a} is {} {b}", compare(*op).unwrap_or_default())
        }
        ExprKind::In(a, b) => match &b.kind {
            ExprKind::List(items) => format!(
                "{a} is one of {}",
                items
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => format!("{a} is in {b}"),
        },
        ExprKind::Not(a) => format!("not ({})", member_condition(a)),
        _ => e.to_string(),
    }
}

/// The value of `atom` among `facts`, in the words of its kind ("3.8%", "652 inhabitants per
/// km²"), when known.
fn here(atom: &Expr, facts: &Facts) -> Option<String> {
    let text = atom.to_string();
    let v = facts.iter().find(|(t, _)| *t == text)?.1;
    Some(match &atom.kind {
        ExprKind::Call(f, _) if f == "pop_share" || f == "member_share" => percent(v),
        ExprKind::Name(n) if n == "density" => {
            format!("{} inhabitants per km²", format_value(v.round()))
        }
        ExprKind::Name(n) if n == "area" => {
            format!("{} km²", format_value((v * 10.0).round() / 10.0))
        }
        _ => format_value(v),
    })
}

/// `atom op number` in words, e.g. "more than half of the population lives in comuni where
/// ..."; `None` when the atom is not one of the policy language's aggregates.
fn aggregate(op: &str, atom: &Expr, rhs: &Expr) -> Option<String> {
    let num = match rhs.kind {
        ExprKind::Number(v) => Some(v),
        _ => None,
    };
    let value = || num.map_or_else(|| rhs.to_string(), format_value);
    Some(match &atom.kind {
        ExprKind::Call(f, args) if args.len() == 1 => {
            let what = member_condition(&args[0]);
            let frac = || num.map_or_else(|| rhs.to_string(), share);
            match f.as_str() {
                "pop_share" => format!(
                    "{op} {} of the population lives in comuni where {what}",
                    frac()
                ),
                "member_share" => format!("{op} {} of the comuni have {what}", frac()),
                "count" => format!("{op} {} comuni have {what}", value()),
                "sum" => format!("the sum of {what} is {op} {}", value()),
                "mean" => format!("the mean {what} of the comuni is {op} {}", value()),
                "pop_mean" => format!("the population-weighted mean {what} is {op} {}", value()),
                _ => return None,
            }
        }
        ExprKind::Name(n) => match n.as_str() {
            "density" => format!("the density is {op} {} inhabitants per km²", value()),
            "population" => format!("the population is {op} {}", value()),
            "area" => format!("the area is {op} {} km²", value()),
            "members" => format!("the district has {op} {} comuni", value()),
            _ => return None,
        },
        _ => return None,
    })
}

/// A class condition (`when`) in words; with `facts` (one district's figures, see
/// [`district_reason`]), each aggregate is followed by its value for that district.
pub fn condition(e: &Expr, facts: &Facts) -> String {
    match &e.kind {
        ExprKind::Binary(BinOp::And, a, b) => {
            format!("{} and {}", condition(a, facts), condition(b, facts))
        }
        ExprKind::Binary(BinOp::Or, a, b) => {
            format!("{} or {}", condition(a, facts), condition(b, facts))
        }
        ExprKind::Not(a) => format!("it is not the case that {}", condition(a, facts)),
        ExprKind::Binary(op, a, b) if compare(*op).is_some() => {
            let words =
                aggregate(compare(*op).unwrap_or_default(), a, b).unwrap_or_else(|| e.to_string());
            match here(a, facts) {
                Some(h) => format!("{words} — here {h}"),
                None => words,
            }
        }
        _ => e.to_string(),
    }
}

/// The threshold of class `i` in words: "more than 25,000 inhabitants".
fn threshold(policy: &CompiledPolicy, i: usize) -> String {
    let c = &policy.file.policy.classes[i];
    let cmp = if c.strict { "more than" } else { "at least" };
    match c.min_population.get_ref() {
        Threshold::Fixed(v) => format!("{cmp} {} inhabitants", format_value(*v)),
        Threshold::Formula(f) => format!("{cmp} {f} inhabitants"),
    }
}

/// A class's condition in words, or `None` for the catch-all class (no `when`) or one whose
/// condition does not parse (a compiled policy's always does).
fn class_condition(policy: &CompiledPolicy, i: usize, facts: &Facts) -> Option<String> {
    let w = policy.file.policy.classes[i].when.as_ref()?;
    parse(w.get_ref()).ok().map(|e| condition(&e, facts))
}

/// Every class rule in words, in policy order: "mountain: when more than half of the
/// population lives in comuni where mountain_code is 'T', a district needs more than 25,000
/// inhabitants"; the catch-all class "in every other case".
pub fn rules(policy: &CompiledPolicy) -> Vec<String> {
    let word = &policy.file.policy.district_word;
    (0..policy.file.policy.classes.len())
        .map(|i| {
            let name = &policy.file.policy.classes[i].name;
            let when = class_condition(policy, i, &[]).map_or_else(
                || "in every other case".to_string(),
                |c| format!("when {c}"),
            );
            // "an ambito", "a district"
            let article = if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            format!(
                "{name}: {when}, {article} {word} needs {}",
                threshold(policy, i)
            )
        })
        .collect()
}

/// Why a district with these `totals` has its class, in words with its own figures: "mountain:
/// more than half of the population lives in comuni where mountain_code is 'T' — here 62%",
/// or for the catch-all class the conditions it does not meet: "standard: not mountain (more
/// than half ... — here 3.8%); not high-density (...)".
pub fn district_reason(policy: &CompiledPolicy, totals: &[f64]) -> String {
    let class = policy.requirement(totals).class;
    let name = |i: usize| policy.file.policy.classes[i].name.as_str();
    let facts = |i: usize| policy.class_facts(i, totals);
    if let Some(c) = class_condition(policy, class, &facts(class)) {
        return format!("{}: {c}", name(class));
    }
    let others: Vec<String> = (0..class)
        .filter_map(|i| {
            Some(format!(
                "not {} ({})",
                name(i),
                class_condition(policy, i, &facts(i))?
            ))
        })
        .collect();
    if others.is_empty() {
        format!("{}: the only class", name(class))
    } else {
        format!("{}: {}", name(class), others.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(src: &str, facts: &[(&str, f64)]) -> String {
        let facts: Vec<(String, f64)> = facts.iter().map(|(t, v)| (t.to_string(), *v)).collect();
        condition(&parse(src).unwrap(), &facts)
    }

    #[test]
    fn shares_counts_and_names_read_as_words() {
        assert_eq!(
            words("pop_share(mountain_code == 'T') > 0.5", &[("pop_share(mountain_code == 'T')", 0.038)]),
            "more than half of the population lives in comuni where mountain_code is 'T' — here 3.8%"
        );
        assert_eq!(
            words("density > 1500", &[("density", 652.4)]),
            "the density is more than 1,500 inhabitants per km² — here 652 inhabitants per km²"
        );
        assert_eq!(
            words("member_share(zone in ['P', 'T']) >= 0.25 and members <= 40", &[]),
            "at least a quarter of the comuni have zone is one of 'P', 'T' and the district has at most 40 comuni"
        );
        assert_eq!(
            words("count(altitude > 600) >= 3", &[]),
            "at least 3 comuni have altitude is more than 600"
        );
        assert_eq!(
            words("pop_share(x != 'U') > 0.62", &[]),
            "more than 62% of the population lives in comuni where x is not 'U'"
        );
    }
}

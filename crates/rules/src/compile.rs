//! A policy compiled against a territory: every district quantity the rules need becomes an
//! additive per-municipality total, so a district's class and threshold follow from the sum
//! of its members' totals. The planner relies on this to update districts incrementally.

use crate::expr::{self, BinOp, Expr, ExprKind};
use crate::policy::{PolicyError, PolicyFile, Threshold};
use ambit_territory::{Municipality, Territory};
use std::collections::HashMap;

/// What a district must reach, given its class.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Requirement {
    /// Index of the class in the policy.
    pub class: usize,
    /// Population threshold.
    pub threshold: f64,
    /// `true`: population must exceed the threshold; `false`: reach it.
    pub strict: bool,
}

impl Requirement {
    /// Whether a population meets the requirement.
    pub fn is_met_by(&self, population: f64) -> bool {
        if self.strict {
            population > self.threshold
        } else {
            population >= self.threshold
        }
    }

    /// Inhabitants missing to comply (0 when compliant): for a strict threshold one more than
    /// the difference, since the population must exceed it.
    pub fn shortfall(&self, population: f64) -> f64 {
        if self.is_met_by(population) {
            0.0
        } else if self.strict {
            (self.threshold - population).floor() + 1.0
        } else {
            (self.threshold - population).ceil()
        }
    }

    /// The threshold in words: `more than 80,000` or `at least 15,000`.
    pub fn describe(&self) -> String {
        // A computed threshold (15,000 x a density ratio) is shown as the whole number of
        // inhabitants it takes, with the exact value: `at least 8,400 (8,399.32)`.
        if self.threshold.is_finite() && self.threshold.fract() != 0.0 {
            let exact = format!("{:.2}", self.threshold);
            let (int, frac) = exact.split_once('.').unwrap_or((&exact, "00"));
            let exact = format!(
                "{}.{frac}",
                crate::format_count(int.parse::<f64>().unwrap_or(0.0))
            );
            return if self.strict {
                format!(
                    "more than {} ({exact})",
                    crate::format_count(self.threshold.floor())
                )
            } else {
                format!(
                    "at least {} ({exact})",
                    crate::format_count(self.threshold.ceil())
                )
            };
        }
        let t = crate::format_count(self.threshold);
        if self.strict {
            format!("more than {t}")
        } else {
            format!("at least {t}")
        }
    }
}

/// A district's class with the reason, in words.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Classification {
    /// What the district must reach.
    pub requirement: Requirement,
    /// Class name.
    pub class: String,
    /// Why this class: the rule and the district's values.
    pub reason: String,
}

#[derive(Debug, Clone)]
enum CExpr {
    Num(f64),
    Acc(usize),
    Ratio(usize, usize),
    Majority(Vec<(f64, usize, usize)>),
    /// `majority` with each category's member count and population packed in one total
    /// (`count * scale + population`, exact while below 2^53): half the columns, which matters
    /// with a hundred departements.
    MajorityPacked(Vec<(f64, usize)>),
    Neg(Box<CExpr>),
    Not(Box<CExpr>),
    Bin(BinOp, Box<CExpr>, Box<CExpr>),
    Min(Box<CExpr>, Box<CExpr>),
    Max(Box<CExpr>, Box<CExpr>),
}

impl CExpr {
    fn eval(&self, t: &[f64]) -> f64 {
        let b = |x: bool| if x { 1.0 } else { 0.0 };
        match self {
            CExpr::Num(v) => *v,
            CExpr::Acc(i) => t[*i],
            CExpr::Ratio(a, d) => t[*a] / t[*d],
            CExpr::Majority(cats) => {
                let mut best: Option<(f64, f64, f64)> = None; // (count, pop, value)
                for &(v, c, p) in cats {
                    let (count, pop) = (t[c], t[p]);
                    if count <= 0.0 {
                        continue;
                    }
                    let better = match best {
                        None => true,
                        Some((bc, bp, bv)) => {
                            count > bc || (count == bc && (pop > bp || (pop == bp && v < bv)))
                        }
                    };
                    if better {
                        best = Some((count, pop, v));
                    }
                }
                best.map_or(f64::NAN, |x| x.2)
            }
            CExpr::MajorityPacked(cats) => {
                // Categories come in increasing value: a strict `>` keeps the smaller on ties.
                let mut best: Option<(f64, f64)> = None; // (packed, value)
                for &(v, c) in cats {
                    let packed = t[c];
                    if packed > 0.0 && best.is_none_or(|(b, _)| packed > b) {
                        best = Some((packed, v));
                    }
                }
                best.map_or(f64::NAN, |x| x.1)
            }
            CExpr::Neg(e) => -e.eval(t),
            CExpr::Not(e) => b(e.eval(t) == 0.0),
            CExpr::Min(x, y) => x.eval(t).min(y.eval(t)),
            CExpr::Max(x, y) => x.eval(t).max(y.eval(t)),
            CExpr::Bin(op, x, y) => {
                let (a, c) = (x.eval(t), y.eval(t));
                match op {
                    BinOp::Add => a + c,
                    BinOp::Sub => a - c,
                    BinOp::Mul => a * c,
                    BinOp::Div => a / c,
                    BinOp::Lt => b(a < c),
                    BinOp::Le => b(a <= c),
                    BinOp::Gt => b(a > c),
                    BinOp::Ge => b(a >= c),
                    BinOp::Eq => b(a == c),
                    BinOp::Ne => b(a != c),
                    BinOp::And => b(a != 0.0 && c != 0.0),
                    BinOp::Or => b(a != 0.0 || c != 0.0),
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Num,
    Bool,
}

/// A compiled `when`: the condition, its source text, and its aggregate atoms (for reasons).
type CompiledWhen = (CExpr, String, Vec<(String, CExpr)>);

#[derive(Debug, Clone)]
struct CompiledClass {
    name: String,
    when: Option<CompiledWhen>,
    threshold: CExpr,
    strict: bool,
    /// The data the class needs and the table lacks (`needs_data`): the class never applies,
    /// and a district it could decide is *unknown*.
    unknown: Option<String>,
}

/// A district's verdict under rules some of whose data may be missing.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Verdict {
    /// The requirement of the first class that applies on the data present.
    pub requirement: Requirement,
    /// Whether the district complies whatever the missing data say.
    pub compliant: bool,
    /// The missing data that would change the verdict (`mountain zone`): empty when the
    /// verdict is certain. A district with missing data here is neither compliant nor
    /// known to fail: it complies only if a class whose data is missing applies.
    pub unknown: Vec<String>,
}

/// A policy compiled against one territory.
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    /// The policy file.
    pub file: PolicyFile,
    k: usize,
    unit_totals: Vec<f64>,
    classes: Vec<CompiledClass>,
    exempt: Vec<bool>,
}

/// Index of the population total in every totals vector.
pub const POPULATION: usize = 0;
/// Index of the area total.
pub const AREA: usize = 1;
/// Index of the member count.
pub const MEMBERS: usize = 2;

struct Compiler<'a> {
    file: &'a PolicyFile,
    territory: &'a Territory,
    class: String,
    field: &'static str,
    base: usize,
    columns: Vec<Vec<f64>>,
    keys: HashMap<String, usize>,
    /// `majority(...)` already compiled, by argument (the rule, its facts and the threshold
    /// share them).
    majorities: HashMap<String, CExpr>,
    /// Columns asked for that the municipalities table lacks (for `needs_data` classes).
    missing: std::cell::RefCell<Vec<String>>,
}

impl CompiledPolicy {
    /// Compiles a policy for a territory; fails on expressions that do not parse or type,
    /// and on attributes the rules need that the municipalities table lacks or garbles.
    pub fn compile(file: PolicyFile, territory: &Territory) -> Result<Self, PolicyError> {
        let ms = territory.municipalities();
        let mut c = Compiler {
            file: &file,
            territory,
            class: String::new(),
            field: "",
            base: 0,
            columns: vec![
                ms.iter().map(|m| m.population as f64).collect(),
                ms.iter().map(|m| m.area_km2.unwrap_or(0.0)).collect(),
                vec![1.0; ms.len()],
            ],
            keys: HashMap::new(),
            majorities: HashMap::new(),
            missing: Default::default(),
        };
        let mut classes = Vec::new();
        for rule in &file.policy.classes {
            c.class = rule.name.clone();
            let mut unknown = None;
            let when = match &rule.when {
                Some(w) => {
                    c.field = "when";
                    c.base = w.span().start + 1; // inside the opening quote
                    let e = c.parse(w.get_ref())?;
                    c.missing.borrow_mut().clear();
                    let compiled = c.compile(&e, Ty::Bool).and_then(|ce| {
                        let mut facts = Vec::new();
                        c.facts(&e, &mut facts)?;
                        Ok((ce, w.get_ref().clone(), facts))
                    });
                    match (compiled, &rule.needs_data) {
                        (Ok(w), _) => Some(w),
                        // Only absent columns make a class unknown; any other error stands.
                        (Err(_), Some(label)) if !c.missing.borrow().is_empty() => {
                            unknown = Some(label.clone());
                            None
                        }
                        (Err(e), _) => return Err(e),
                    }
                }
                None => None,
            };
            c.field = "min_population";
            let threshold = match rule.min_population.get_ref() {
                Threshold::Fixed(v) => CExpr::Num(*v),
                Threshold::Formula(f) => {
                    c.base = rule.min_population.span().start + 1;
                    let e = c.parse(f)?;
                    c.compile(&e, Ty::Num)?
                }
            };
            classes.push(CompiledClass {
                name: rule.name.clone(),
                when,
                threshold,
                strict: rule.strict,
                unknown,
            });
        }
        let exempt = match &file.policy.exempt_unassigned {
            Some(x) => {
                c.class = "exempt_unassigned".into();
                c.field = "when";
                c.base = 0;
                let e = c.parse(&x.when)?;
                ms.iter()
                    .map(|m| c.predicate(&e, m))
                    .collect::<Result<Vec<bool>, _>>()?
            }
            None => vec![false; ms.len()],
        };
        let k = c.columns.len();
        let mut unit_totals = vec![0.0; ms.len() * k];
        for (j, col) in c.columns.iter().enumerate() {
            for (i, v) in col.iter().enumerate() {
                unit_totals[i * k + j] = *v;
            }
        }
        Ok(Self {
            file,
            k,
            unit_totals,
            classes,
            exempt,
        })
    }

    /// Whether municipality `i` (territory order) may belong to no district
    /// (the policy's `exempt_unassigned`).
    pub fn is_exempt(&self, i: usize) -> bool {
        self.exempt.get(i).copied().unwrap_or(false)
    }

    /// The classes whose data is missing from the territory, as (class, data in words).
    pub fn unknown_classes(&self) -> Vec<(&str, &str)> {
        self.classes
            .iter()
            .filter_map(|c| Some((c.name.as_str(), c.unknown.as_deref()?)))
            .collect()
    }

    /// The verdict for a district with these totals: its requirement on the data present,
    /// and, when classes lack their data, whether one of them could change the verdict.
    ///
    /// A class whose data is missing could apply only where it comes before the class that
    /// applies (the first class whose rule holds wins); if its threshold gives another
    /// verdict than the class that applies, the verdict is unknown and names the data.
    pub fn verdict(&self, totals: &[f64]) -> Verdict {
        let requirement = self.requirement(totals);
        let pop = totals[POPULATION];
        let met = requirement.is_met_by(pop);
        let unknown: Vec<String> = self.classes[..requirement.class]
            .iter()
            .filter_map(|c| {
                let label = c.unknown.as_ref()?;
                let r = Requirement {
                    class: 0,
                    threshold: c.threshold.eval(totals),
                    strict: c.strict,
                };
                (r.is_met_by(pop) != met).then(|| label.clone())
            })
            .collect();
        Verdict {
            requirement,
            compliant: met && unknown.is_empty(),
            unknown,
        }
    }

    /// Length of every totals vector.
    pub fn totals_len(&self) -> usize {
        self.k
    }

    /// The additive totals of municipality `i` (territory order).
    pub fn unit_totals(&self, i: usize) -> &[f64] {
        &self.unit_totals[i * self.k..(i + 1) * self.k]
    }

    /// The summed totals of a set of municipalities.
    pub fn totals_of(&self, members: impl IntoIterator<Item = usize>) -> Vec<f64> {
        let mut t = vec![0.0; self.k];
        for i in members {
            for (a, b) in t.iter_mut().zip(self.unit_totals(i)) {
                *a += b;
            }
        }
        t
    }

    /// The population in a totals vector.
    pub fn population(&self, totals: &[f64]) -> f64 {
        totals[POPULATION]
    }

    /// Class names in policy order.
    pub fn class_names(&self) -> Vec<&str> {
        self.classes.iter().map(|c| c.name.as_str()).collect()
    }

    /// The requirement for a district with these totals (first class whose rule holds).
    pub fn requirement(&self, totals: &[f64]) -> Requirement {
        // A class whose data is missing never applies (its `when` is absent too).
        let idx = self
            .classes
            .iter()
            .position(|c| {
                c.unknown.is_none() && c.when.as_ref().is_none_or(|w| w.0.eval(totals) != 0.0)
            })
            .unwrap_or(self.classes.len() - 1);
        let c = &self.classes[idx];
        Requirement {
            class: idx,
            threshold: c.threshold.eval(totals),
            strict: c.strict,
        }
    }

    /// The class, threshold and the reason in words.
    pub fn classify(&self, totals: &[f64]) -> Classification {
        let requirement = self.requirement(totals);
        let class = &self.classes[requirement.class];
        let facts = |c: &CompiledClass| {
            c.when.as_ref().map_or(String::new(), |w| {
                w.2.iter()
                    .map(|(text, e)| format!("{text} = {}", format_value(e.eval(totals))))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
        };
        let reason = match &class.when {
            Some((_, text, _)) => format!("{text} holds ({})", facts(class)),
            None => {
                let others: Vec<String> = self.classes[..requirement.class]
                    .iter()
                    .map(|c| match &c.unknown {
                        Some(data) => format!("{} not known (data missing: {data})", c.name),
                        None => {
                            let text = c.when.as_ref().map_or("", |w| w.1.as_str());
                            format!("not {} ({text} fails: {})", c.name, facts(c))
                        }
                    })
                    .collect();
                if others.is_empty() {
                    "the only class".to_string()
                } else {
                    others.join("; ")
                }
            }
        };
        Classification {
            requirement,
            class: class.name.clone(),
            reason,
        }
    }

    /// The values of class `class`'s condition atoms for a district with `totals`, keyed by
    /// the atom's text (for `describe`); empty for a class without condition.
    pub(crate) fn class_facts(&self, class: usize, totals: &[f64]) -> Vec<(String, f64)> {
        self.classes[class]
            .when
            .as_ref()
            .map_or_else(Vec::new, |w| {
                w.2.iter()
                    .map(|(t, e)| (t.clone(), e.eval(totals)))
                    .collect()
            })
    }

    /// What class `idx` provably demands, for a planner's upper bound: its threshold when fixed,
    /// and `Some((total, share))` when its rule is (or is a conjunction including)
    /// `pop_share(...) > share` over totals component `total`. `None` for a threshold formula.
    pub fn class_floor(&self, idx: usize) -> Option<(f64, Option<(usize, f64)>)> {
        fn share(e: &CExpr) -> Option<(usize, f64)> {
            match e {
                CExpr::Bin(BinOp::Gt | BinOp::Ge, x, y) => match (&**x, &**y) {
                    (CExpr::Ratio(a, POPULATION), CExpr::Num(s)) => Some((*a, *s)),
                    _ => None,
                },
                CExpr::Bin(BinOp::And, x, y) => share(x).or_else(|| share(y)),
                _ => None,
            }
        }
        let c = self.classes.get(idx)?;
        let CExpr::Num(t) = c.threshold else {
            return None;
        };
        Some((t, c.when.as_ref().and_then(|w| share(&w.0))))
    }

    /// The class rules in words, for the head of every report: `name: when -> threshold`.
    pub fn rules_in_words(&self) -> Vec<String> {
        self.file
            .policy
            .classes
            .iter()
            .map(|c| {
                let t = match c.min_population.get_ref() {
                    Threshold::Fixed(v) => crate::format_count(*v),
                    Threshold::Formula(f) => f.clone(),
                };
                let cmp = if c.strict { "more than" } else { "at least" };
                let missing = self
                    .classes
                    .iter()
                    .find(|k| k.name == c.name)
                    .and_then(|k| k.unknown.as_deref())
                    .map_or(String::new(), |d| format!(" [data missing: {d}]"));
                match &c.when {
                    Some(w) => format!("{}: when {} -> {cmp} {t}{missing}", c.name, w.get_ref()),
                    None => format!("{}: otherwise -> {cmp} {t}", c.name),
                }
            })
            .collect()
    }
}

pub(crate) fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        crate::format_count(v)
    } else {
        format!("{v:.3}")
    }
}

impl Compiler<'_> {
    fn field_err(&self, position: usize, value: &str, message: String) -> PolicyError {
        PolicyError::Field {
            path: self.file.path.clone(),
            line: self.file.line_of(self.base + position),
            class: self.class.clone(),
            field: self.field.to_string(),
            value: value.to_string(),
            message,
        }
    }

    fn parse(&self, src: &str) -> Result<Expr, PolicyError> {
        expr::parse(src).map_err(|e| self.field_err(e.position, src, e.to_string()))
    }

    fn err(&self, e: &Expr, message: String) -> PolicyError {
        self.field_err(e.span.0, &e.to_string(), message)
    }

    /// Collects the aggregate atoms of a condition, to print their values in reasons.
    fn facts(&mut self, e: &Expr, out: &mut Vec<(String, CExpr)>) -> Result<(), PolicyError> {
        match &e.kind {
            ExprKind::Name(n) if self.file.policy.constants.contains_key(n) => {}
            ExprKind::Call(..) | ExprKind::Name(_) => {
                let ce = self.compile(e, Ty::Num)?;
                let text = e.to_string();
                if !out.iter().any(|(t, _)| *t == text) {
                    out.push((text, ce));
                }
            }
            ExprKind::Not(a) | ExprKind::Neg(a) => self.facts(a, out)?,
            ExprKind::Binary(_, a, b) => {
                self.facts(a, out)?;
                self.facts(b, out)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn compile(&mut self, e: &Expr, want: Ty) -> Result<CExpr, PolicyError> {
        let (ce, ty) = self.compile_any(e)?;
        if ty != want {
            let what = |t| match t {
                Ty::Num => "a number",
                Ty::Bool => "a condition",
            };
            return Err(self.err(e, format!("expected {}, found {}", what(want), what(ty))));
        }
        Ok(ce)
    }

    fn compile_any(&mut self, e: &Expr) -> Result<(CExpr, Ty), PolicyError> {
        Ok(match &e.kind {
            ExprKind::Number(v) => (CExpr::Num(*v), Ty::Num),
            ExprKind::Name(n) => (self.name(e, n)?, Ty::Num),
            ExprKind::Neg(a) => (CExpr::Neg(Box::new(self.compile(a, Ty::Num)?)), Ty::Num),
            ExprKind::Not(a) => (CExpr::Not(Box::new(self.compile(a, Ty::Bool)?)), Ty::Bool),
            ExprKind::Binary(op, a, b) => {
                let (arg, out) = match op {
                    BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => (Ty::Num, Ty::Num),
                    BinOp::And | BinOp::Or => (Ty::Bool, Ty::Bool),
                    _ => (Ty::Num, Ty::Bool),
                };
                let x = self.compile(a, arg)?;
                let y = self.compile(b, arg)?;
                (CExpr::Bin(*op, Box::new(x), Box::new(y)), out)
            }
            ExprKind::Call(f, args) => (self.call(e, f, args)?, Ty::Num),
            ExprKind::Text(_) | ExprKind::List(_) | ExprKind::In(..) => {
                return Err(self.err(
                    e,
                    "text, lists and `in` belong inside a member function such as pop_share(...)"
                        .into(),
                ))
            }
        })
    }

    fn name(&self, e: &Expr, n: &str) -> Result<CExpr, PolicyError> {
        Ok(match n {
            "population" => CExpr::Acc(crate::compile::POPULATION),
            "area" => CExpr::Acc(AREA),
            "members" => CExpr::Acc(MEMBERS),
            "density" => CExpr::Ratio(POPULATION, AREA),
            // The density of the whole territory loaded (e.g. France's national density).
            "territory_density" => {
                let ms = self.territory.municipalities();
                let pop: f64 = ms.iter().map(|m| m.population as f64).sum();
                let area: f64 = ms.iter().map(|m| m.area_km2.unwrap_or(0.0)).sum();
                CExpr::Num(pop / area)
            }
            _ => match self.file.policy.constants.get(n) {
                Some(v) => CExpr::Num(*v),
                None => {
                    return Err(self.err(
                        e,
                        format!(
                            "unknown name `{n}`: use population, area, density, members, territory_density, a member function, or a [constants] entry"
                        ),
                    ))
                }
            },
        })
    }

    fn call(&mut self, e: &Expr, f: &str, args: &[Expr]) -> Result<CExpr, PolicyError> {
        let arity = |n: usize| -> Result<(), PolicyError> {
            if args.len() == n {
                Ok(())
            } else {
                Err(self.err(
                    e,
                    format!("`{f}` takes {n} argument(s), found {}", args.len()),
                ))
            }
        };
        Ok(match f {
            "min" | "max" => {
                arity(2)?;
                let a = Box::new(self.compile(&args[0], Ty::Num)?);
                let b = Box::new(self.compile(&args[1], Ty::Num)?);
                if f == "min" {
                    CExpr::Min(a, b)
                } else {
                    CExpr::Max(a, b)
                }
            }
            "pop_share" | "member_share" | "count" => {
                arity(1)?;
                let weight = if f == "pop_share" { "pop" } else { "count" };
                let acc = self.predicate_column(&args[0], weight)?;
                match f {
                    "pop_share" => CExpr::Ratio(acc, POPULATION),
                    "member_share" => CExpr::Ratio(acc, MEMBERS),
                    _ => CExpr::Acc(acc),
                }
            }
            "sum" | "mean" | "pop_mean" => {
                arity(1)?;
                let attr = self.attribute_name(&args[0])?;
                let weighted = f == "pop_mean";
                let acc = self.numeric_column(&args[0], &attr, weighted)?;
                match f {
                    "sum" => CExpr::Acc(acc),
                    "mean" => CExpr::Ratio(acc, MEMBERS),
                    _ => CExpr::Ratio(acc, POPULATION),
                }
            }
            "majority" => {
                arity(1)?;
                let key = args[0].to_string();
                if let Some(done) = self.majorities.get(&key) {
                    return Ok(done.clone());
                }
                let (attr, values) = match &args[0].kind {
                    ExprKind::Call(g, inner) if g == "group_density" => {
                        if inner.len() != 1 {
                            return Err(self.err(
                                &args[0],
                                format!("`group_density` takes 1 argument(s), found {}", inner.len()),
                            ));
                        }
                        let attr = self.attribute_name(&inner[0])?;
                        let v = self.group_density(&inner[0], &attr)?;
                        (format!("group_density({attr})"), v)
                    }
                    _ => {
                        let attr = self.attribute_name(&args[0])?;
                        let v = self.numeric_values(&args[0], &attr)?;
                        (attr, v)
                    }
                };
                let mut distinct: Vec<f64> = values.clone();
                distinct.sort_by(f64::total_cmp);
                distinct.dedup();
                let ms = self.territory.municipalities();
                let scale = self.territory.population() as f64 + 1.0;
                if (ms.len() as f64) * scale < 9.0e15 {
                    // One pass: each municipality adds `scale + population` to its category.
                    let mut cols = vec![vec![0.0; ms.len()]; distinct.len()];
                    for (i, (x, m)) in values.iter().zip(ms).enumerate() {
                        let k = distinct.partition_point(|d| d.total_cmp(x).is_lt());
                        cols[k][i] = scale + m.population as f64;
                    }
                    let cats: Vec<(f64, usize)> = distinct
                        .iter()
                        .zip(cols)
                        .map(|(v, col)| (*v, self.column(format!("majority:{attr}:{v}"), col)))
                        .collect();
                    let ce = CExpr::MajorityPacked(cats);
                    self.majorities.insert(key, ce.clone());
                    return Ok(ce);
                }
                let mut cats = Vec::new();
                for v in distinct {
                    let count: Vec<f64> = values.iter().map(|x| f64::from(*x == v)).collect();
                    let pop: Vec<f64> = count
                        .iter()
                        .zip(self.territory.municipalities())
                        .map(|(c, m)| c * m.population as f64)
                        .collect();
                    let c = self.column(format!("majority:{attr}:{v}:count"), count);
                    let p = self.column(format!("majority:{attr}:{v}:pop"), pop);
                    cats.push((v, c, p));
                }
                let ce = CExpr::Majority(cats);
                self.majorities.insert(key, ce.clone());
                ce
            }
            _ => {
                return Err(self.err(
                    e,
                    format!("unknown function `{f}`: use pop_share, member_share, count, sum, mean, pop_mean, majority, min, max"),
                ))
            }
        })
    }

    /// Per municipality: the density (population over area) of all the territory's
    /// municipalities sharing its value of `attr` (e.g. its departement's density).
    fn group_density(&self, e: &Expr, attr: &str) -> Result<Vec<f64>, PolicyError> {
        let ms = self.territory.municipalities();
        let mut keys = Vec::with_capacity(ms.len());
        let mut sums: HashMap<String, (f64, f64)> = HashMap::new();
        for m in ms {
            let k = member_value(m, attr).ok_or_else(|| self.missing_column(e, attr))?;
            let s = sums.entry(k.clone()).or_default();
            s.0 += m.population as f64;
            s.1 += m.area_km2.unwrap_or(0.0);
            keys.push(k);
        }
        Ok(keys
            .iter()
            .map(|k| {
                let (p, a) = sums[k];
                p / a
            })
            .collect())
    }

    fn column(&mut self, key: String, values: Vec<f64>) -> usize {
        if let Some(&i) = self.keys.get(&key) {
            return i;
        }
        self.columns.push(values);
        let i = self.columns.len() - 1;
        self.keys.insert(key, i);
        i
    }

    fn attribute_name(&self, e: &Expr) -> Result<String, PolicyError> {
        match &e.kind {
            ExprKind::Name(n) => Ok(n.clone()),
            _ => Err(self.err(e, "expected the name of a municipality attribute".into())),
        }
    }

    fn numeric_values(&self, e: &Expr, attr: &str) -> Result<Vec<f64>, PolicyError> {
        self.territory
            .municipalities()
            .iter()
            .map(|m| match member_value(m, attr) {
                None => Err(self.missing_column(e, attr)),
                Some(raw) => parse_number(&raw).ok_or_else(|| self.bad_value(m, attr, &raw)),
            })
            .collect()
    }

    fn numeric_column(
        &mut self,
        e: &Expr,
        attr: &str,
        weighted: bool,
    ) -> Result<usize, PolicyError> {
        let mut v = self.numeric_values(e, attr)?;
        if weighted {
            for (x, m) in v.iter_mut().zip(self.territory.municipalities()) {
                *x *= m.population as f64;
            }
        }
        Ok(self.column(
            format!("{}:{attr}", if weighted { "popsum" } else { "sum" }),
            v,
        ))
    }

    fn missing_column(&self, e: &Expr, attr: &str) -> PolicyError {
        self.missing.borrow_mut().push(attr.to_string());
        self.err(
            e,
            format!(
                "the municipalities table {} has no column `{attr}`",
                self.territory.source.display()
            ),
        )
    }

    fn bad_value(&self, m: &Municipality, attr: &str, raw: &str) -> PolicyError {
        PolicyError::Attribute {
            path: self.territory.source.clone(),
            line: m.line,
            field: attr.to_string(),
            value: raw.to_string(),
            message: "not a number".into(),
            class: self.class.clone(),
        }
    }

    /// A per-municipality column: population (or 1) where the member predicate holds.
    fn predicate_column(&mut self, p: &Expr, weight: &str) -> Result<usize, PolicyError> {
        let mut values = Vec::with_capacity(self.territory.len());
        for m in self.territory.municipalities() {
            let holds = self.predicate(p, m)?;
            let w = if weight == "pop" {
                m.population as f64
            } else {
                1.0
            };
            values.push(if holds { w } else { 0.0 });
        }
        Ok(self.column(format!("{weight}where:{p}"), values))
    }

    fn predicate(&self, p: &Expr, m: &Municipality) -> Result<bool, PolicyError> {
        match &p.kind {
            ExprKind::Binary(BinOp::And, a, b) => {
                Ok(self.predicate(a, m)? && self.predicate(b, m)?)
            }
            ExprKind::Binary(BinOp::Or, a, b) => Ok(self.predicate(a, m)? || self.predicate(b, m)?),
            ExprKind::Not(a) => Ok(!self.predicate(a, m)?),
            ExprKind::In(a, list) => {
                let attr = self.attribute_name(a)?;
                let ExprKind::List(items) = &list.kind else {
                    return Err(self.err(list, "`in` needs a list such as ['T', 'P']".into()));
                };
                for item in items {
                    if self.compare(p, &attr, BinOp::Eq, item, m)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            ExprKind::Binary(op, a, b)
                if matches!(
                    op,
                    BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne
                ) =>
            {
                let attr = self.attribute_name(a)?;
                self.compare(p, &attr, *op, b, m)
            }
            _ => Err(self.err(
                p,
                "expected a member condition such as `mountain_code == 'T'` or `altitude >= 600`"
                    .into(),
            )),
        }
    }

    fn compare(
        &self,
        p: &Expr,
        attr: &str,
        op: BinOp,
        lit: &Expr,
        m: &Municipality,
    ) -> Result<bool, PolicyError> {
        let raw = member_value(m, attr).ok_or_else(|| self.missing_column(p, attr))?;
        match &lit.kind {
            ExprKind::Text(s) => match op {
                BinOp::Eq => Ok(raw == *s),
                BinOp::Ne => Ok(raw != *s),
                _ => Err(self.err(p, "text can only be compared with == or !=".into())),
            },
            ExprKind::Number(_) | ExprKind::Neg(_) => {
                let v = literal_number(lit)
                    .ok_or_else(|| self.err(lit, "expected a number or a text literal".into()))?;
                let x = parse_number(&raw).ok_or_else(|| self.bad_value(m, attr, &raw))?;
                Ok(match op {
                    BinOp::Lt => x < v,
                    BinOp::Le => x <= v,
                    BinOp::Gt => x > v,
                    BinOp::Ge => x >= v,
                    BinOp::Eq => x == v,
                    _ => x != v,
                })
            }
            _ => Err(self.err(lit, "expected a number or a text literal".into())),
        }
    }
}

fn member_value(m: &Municipality, attr: &str) -> Option<String> {
    match attr {
        "population" => Some(m.population.to_string()),
        "area" | "area_km2" => Some(m.area_km2.map_or(String::new(), |a| a.to_string())),
        "code" => Some(m.code.to_string()),
        "name" => Some(m.name.clone()),
        _ => m.attribute(attr).map(str::to_string),
    }
}

fn literal_number(e: &Expr) -> Option<f64> {
    match &e.kind {
        ExprKind::Number(v) => Some(*v),
        ExprKind::Neg(inner) => literal_number(inner).map(|v| -v),
        _ => None,
    }
}

fn parse_number(raw: &str) -> Option<f64> {
    raw.trim().replace(',', ".").parse().ok()
}

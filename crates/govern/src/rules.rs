//! Rules of an assembly as data (TOML): how votes are weighted, which quotas decide ordinary
//! business and named matters, who holds a veto, and how the president is appointed.
//!
//! ```toml
//! [assembly]
//! name = "Double majority"
//! [weights]
//! basis = "population"          # equal | population | sqrt_population | power
//! [decision]
//! members_at_least = 0.55
//! votes_at_least = 0.65
//! [[matter]]
//! name = "statute"
//! unanimity = true
//! [president]
//! method = "election"           # largest | rotation | election
//! votes_at_least = "2/3"
//! ```

use crate::error::GovernError;
use crate::game::{Game, WeightQuota, WinningRule};
use crate::member::{find, Member};
use crate::share::Share;
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// A value with the 1-based line it was written on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Line in the rules file.
    pub line: usize,
}

/// How a member's raw vote weight follows from its population.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum WeightBasis {
    /// One member, one vote.
    Equal,
    /// Votes proportional to population.
    Population,
    /// Votes proportional to the square root of population (Penrose 1946).
    SqrtPopulation,
    /// Votes proportional to population raised to an exponent in [0, 1].
    Power(f64),
}

/// How votes are weighted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightRule {
    /// Raw weight of each member.
    pub basis: WeightBasis,
    /// When set, votes are whole seats apportioned by largest remainders (Hamilton).
    pub seats: Option<u64>,
    /// Seats every member gets at least (only with `seats`).
    pub min_seats: u64,
    /// No member holds more than this share of all votes.
    pub cap_share: Option<Share>,
    /// Every member holds at least this share of all votes.
    pub floor_share: Option<Share>,
    /// Lines of the fields above in the rules file (0 when not from a file), for errors that
    /// only show once the members are known.
    pub lines: WeightLines,
}

/// Lines of the `[weights]` fields whose feasibility depends on the members.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WeightLines {
    /// Line of `cap_share`.
    pub cap_share: usize,
    /// Line of `floor_share`.
    pub floor_share: usize,
    /// Line of `min_seats`.
    pub min_seats: usize,
}

/// A member quota: how many members a coalition must count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MemberQuota {
    /// At least this share of the members.
    AtLeast(Share),
    /// More than this share of the members.
    MoreThan(Share),
}

/// The rule that decides one kind of business.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionRule {
    /// `decision` for ordinary business, else the matter's name.
    pub name: String,
    /// Share of votes a coalition needs.
    pub votes: WeightQuota,
    /// Share of members a coalition needs (double majority), if any.
    pub members: Option<MemberQuota>,
    /// Absolute minimum number of members in a winning coalition.
    pub members_min: usize,
    /// A blocking minority needs at least this many members (TEU art. 16(4)).
    pub blocking_min_members: Option<usize>,
    /// Members (names or codes) without whom nothing passes.
    pub veto: Vec<Located<String>>,
    /// Every member must agree.
    pub unanimity: bool,
}

/// How the president is appointed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum PresidentRule {
    /// The most populous member presides.
    Largest,
    /// Members preside in turn, one term each.
    Rotation {
        /// Length of a term in years.
        term_years: u32,
    },
    /// The assembly elects the president with the given rule.
    Election(DecisionRule),
}

/// The full rule book of an assembly.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssemblyRules {
    /// File the rules were read from (for error messages).
    pub file: String,
    /// Short name of the rule book.
    pub name: String,
    /// What the rules are meant to achieve.
    pub description: Option<String>,
    /// Where the rule comes from (statute, law, paper).
    pub source: Option<String>,
    /// How votes are weighted.
    pub weights: WeightRule,
    /// Ordinary decisions.
    pub decision: DecisionRule,
    /// Named matters with their own quota.
    pub matters: Vec<DecisionRule>,
    /// Appointment of the president.
    pub president: Option<PresidentRule>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ShareValue {
    Num(f64),
    Text(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssembly {
    name: String,
    description: Option<String>,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeights {
    basis: Spanned<String>,
    exponent: Option<Spanned<f64>>,
    seats: Option<Spanned<i64>>,
    min_seats: Option<Spanned<i64>>,
    cap_share: Option<Spanned<ShareValue>>,
    floor_share: Option<Spanned<ShareValue>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    name: Option<Spanned<String>>,
    method: Option<Spanned<String>>,
    term_years: Option<Spanned<i64>>,
    votes_at_least: Option<Spanned<ShareValue>>,
    votes_more_than: Option<Spanned<ShareValue>>,
    members_at_least: Option<Spanned<ShareValue>>,
    members_more_than: Option<Spanned<ShareValue>>,
    members_min: Option<Spanned<i64>>,
    blocking_min_members: Option<Spanned<i64>>,
    veto: Option<Vec<Spanned<String>>>,
    unanimity: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    assembly: RawAssembly,
    weights: Option<RawWeights>,
    decision: Spanned<RawSection>,
    #[serde(default)]
    matter: Vec<Spanned<RawSection>>,
    president: Option<Spanned<RawSection>>,
}

/// Context for error messages: file name and text (to turn byte offsets into lines).
struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn line(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .bytes()
            .filter(|&b| b == b'\n')
            .count()
            + 1
    }

    fn field<T>(
        &self,
        span: std::ops::Range<usize>,
        field: &str,
        value: &str,
        reason: &str,
    ) -> Result<T, GovernError> {
        Err(GovernError::Field {
            file: self.file.to_string(),
            line: self.line(span.start),
            field: field.to_string(),
            value: value.to_string(),
            reason: reason.to_string(),
        })
    }

    fn share(&self, v: &Spanned<ShareValue>, field: &str) -> Result<Share, GovernError> {
        let (parsed, shown) = match v.get_ref() {
            ShareValue::Num(x) => (Share::from_f64(*x), x.to_string()),
            ShareValue::Text(t) => (Share::parse(t), format!("{t:?}")),
        };
        match parsed {
            Some(s) => Ok(s),
            None => self.field(
                v.span(),
                field,
                &shown,
                "expected a share between 0 and 1: a number (0.55), a percentage (\"55%\") or a fraction (\"2/3\")",
            ),
        }
    }

    fn count(&self, v: &Spanned<i64>, field: &str, min: i64) -> Result<u64, GovernError> {
        let x = *v.get_ref();
        if x < min {
            return self.field(
                v.span(),
                field,
                &x.to_string(),
                &format!("must be an integer of at least {min}"),
            );
        }
        Ok(x as u64)
    }
}

impl AssemblyRules {
    /// Reads and parses the rules file `path`.
    pub fn read(path: &std::path::Path) -> Result<AssemblyRules, GovernError> {
        let text = std::fs::read_to_string(path).map_err(|source| GovernError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        AssemblyRules::parse(&text, &path.display().to_string())
    }

    /// Parses a rules file; `file` is only used in error messages.
    pub fn parse(text: &str, file: &str) -> Result<AssemblyRules, GovernError> {
        let ctx = Ctx { file, text };
        let raw: RawRules = toml::from_str(text).map_err(|e| GovernError::Toml {
            file: file.to_string(),
            line: e.span().map(|s| ctx.line(s.start)).unwrap_or(0),
            message: e.message().to_string(),
        })?;
        let weights = match &raw.weights {
            None => WeightRule {
                basis: WeightBasis::Equal,
                seats: None,
                min_seats: 0,
                cap_share: None,
                floor_share: None,
                lines: WeightLines::default(),
            },
            Some(w) => parse_weights(&ctx, w)?,
        };
        let decision = parse_decision(&ctx, &raw.decision, "decision", Some("decision"))?;
        let mut matters: Vec<DecisionRule> = Vec::new();
        for m in &raw.matter {
            let rule = parse_decision(&ctx, m, "matter", None)?;
            if matters.iter().any(|x| x.name == rule.name) {
                return ctx.field(
                    m.span(),
                    "matter.name",
                    &rule.name,
                    "two matters have the same name",
                );
            }
            matters.push(rule);
        }
        let president = match &raw.president {
            None => None,
            Some(p) => Some(parse_president(&ctx, p)?),
        };
        Ok(AssemblyRules {
            file: file.to_string(),
            name: raw.assembly.name,
            description: raw.assembly.description,
            source: raw.assembly.source,
            weights,
            decision,
            matters,
            president,
        })
    }

    /// The rule of a named matter (`president` for an elected president), or of ordinary
    /// decisions when `matter` is `None`.
    pub fn rule_for(&self, matter: Option<&str>) -> Option<&DecisionRule> {
        match (matter, &self.president) {
            (None, _) => Some(&self.decision),
            (Some(name), Some(PresidentRule::Election(r)))
                if name.eq_ignore_ascii_case("president") =>
            {
                Some(r)
            }
            (Some(name), _) => self
                .matters
                .iter()
                .find(|m| m.name.eq_ignore_ascii_case(name)),
        }
    }

    /// Real-valued vote shares of the members (sum 1) after caps and floors.
    pub fn vote_shares(&self, members: &[Member]) -> Result<Vec<f64>, GovernError> {
        let w = self.weights.apply(members, &self.file)?;
        let total: f64 = w.iter().map(|x| *x as f64).sum();
        Ok(w.iter()
            .map(|x| if total > 0.0 { *x as f64 / total } else { 0.0 })
            .collect())
    }

    /// The integer weighted game of one decision rule for the given members.
    pub fn game(&self, members: &[Member], rule: &DecisionRule) -> Result<Game, GovernError> {
        let weights = self.weights.apply(members, &self.file)?;
        rule.game(members, weights, &self.file)
    }
}

impl DecisionRule {
    /// Builds the game of this rule over members with the given integer weights.
    pub fn game(
        &self,
        members: &[Member],
        weights: Vec<u64>,
        file: &str,
    ) -> Result<Game, GovernError> {
        let n = members.len();
        let mut min_members = self.members_min;
        if let Some(q) = self.members {
            let k = match q {
                MemberQuota::AtLeast(s) => s.at_least(n as u64),
                MemberQuota::MoreThan(s) => s.more_than(n as u64),
            } as usize;
            min_members = min_members.max(k);
        }
        if self.unanimity {
            min_members = n;
        }
        let members_always_win = self.blocking_min_members.map(|b| (n + 1).saturating_sub(b));
        let mut veto = Vec::new();
        for v in &self.veto {
            match find(members, &v.value) {
                Some(i) => veto.push(i),
                None => {
                    return Err(GovernError::UnknownMember {
                        file: file.to_string(),
                        line: v.line,
                        field: format!("{}.veto", self.section()),
                        value: v.value.clone(),
                    })
                }
            }
        }
        veto.sort_unstable();
        veto.dedup();
        Ok(Game {
            weights,
            rule: WinningRule {
                weight: if self.unanimity {
                    WeightQuota::AtLeast(Share::ONE)
                } else {
                    self.votes
                },
                min_members,
                members_always_win,
            },
            veto,
        })
    }

    fn section(&self) -> &str {
        if self.name == "decision" {
            "decision"
        } else {
            "matter"
        }
    }

    /// A one-line summary such as `votes > 1/2, members >= 55/100`.
    pub fn summary(&self) -> String {
        if self.unanimity {
            return "unanimity".into();
        }
        let mut parts = vec![match self.votes {
            WeightQuota::AtLeast(s) => format!("votes >= {}", pct(s)),
            WeightQuota::MoreThan(s) => format!("votes > {}", pct(s)),
            WeightQuota::Absolute(q) => format!("votes >= {q}"),
        }];
        match self.members {
            Some(MemberQuota::AtLeast(s)) => parts.push(format!("members >= {}", pct(s))),
            Some(MemberQuota::MoreThan(s)) => parts.push(format!("members > {}", pct(s))),
            None => {}
        }
        if self.members_min > 0 {
            parts.push(format!("at least {} members", self.members_min));
        }
        if let Some(b) = self.blocking_min_members {
            parts.push(format!("blocking needs {b} members"));
        }
        if !self.veto.is_empty() {
            let v: Vec<&str> = self.veto.iter().map(|v| v.value.as_str()).collect();
            parts.push(format!("veto: {}", v.join(", ")));
        }
        parts.join(", ")
    }
}

fn pct(s: Share) -> String {
    let x = s.as_f64() * 100.0;
    if (x - x.round()).abs() < 1e-9 {
        format!("{x:.0}%")
    } else {
        format!("{x:.2}%")
    }
}

fn parse_weights(ctx: &Ctx, w: &RawWeights) -> Result<WeightRule, GovernError> {
    let basis = match (w.basis.get_ref().as_str(), &w.exponent) {
        ("equal", None) => WeightBasis::Equal,
        ("population", None) => WeightBasis::Population,
        ("sqrt_population", None) => WeightBasis::SqrtPopulation,
        ("power", Some(e)) => {
            let x = *e.get_ref();
            if !(0.0..=1.0).contains(&x) {
                return ctx.field(
                    e.span(),
                    "weights.exponent",
                    &x.to_string(),
                    "must be between 0 and 1",
                );
            }
            WeightBasis::Power(x)
        }
        ("power", None) => {
            return ctx.field(
                w.basis.span(),
                "weights.basis",
                "\"power\"",
                "needs `exponent` (between 0 and 1)",
            )
        }
        ("equal" | "population" | "sqrt_population", Some(e)) => {
            return ctx.field(
                e.span(),
                "weights.exponent",
                &e.get_ref().to_string(),
                "only allowed with basis = \"power\"",
            )
        }
        (other, _) => {
            return ctx.field(
                w.basis.span(),
                "weights.basis",
                &format!("{other:?}"),
                "expected one of \"equal\", \"population\", \"sqrt_population\", \"power\"",
            )
        }
    };
    let seats = match &w.seats {
        Some(s) => Some(ctx.count(s, "weights.seats", 1)?),
        None => None,
    };
    let min_seats = match (&w.min_seats, seats) {
        (Some(m), Some(_)) => ctx.count(m, "weights.min_seats", 0)?,
        (Some(m), None) => {
            return ctx.field(
                m.span(),
                "weights.min_seats",
                &m.get_ref().to_string(),
                "only allowed with `seats`",
            )
        }
        (None, _) => 0,
    };
    let cap_share = w
        .cap_share
        .as_ref()
        .map(|c| ctx.share(c, "weights.cap_share"))
        .transpose()?;
    if let (Some(c), Some(raw)) = (cap_share, &w.cap_share) {
        if c.num == 0 {
            return ctx.field(
                raw.span(),
                "weights.cap_share",
                "0",
                "a cap must be above zero",
            );
        }
    }
    let floor_share = w
        .floor_share
        .as_ref()
        .map(|c| ctx.share(c, "weights.floor_share"))
        .transpose()?;
    let line = |s: Option<std::ops::Range<usize>>| s.map(|s| ctx.line(s.start)).unwrap_or(0);
    Ok(WeightRule {
        basis,
        seats,
        min_seats,
        cap_share,
        floor_share,
        lines: WeightLines {
            cap_share: line(w.cap_share.as_ref().map(|x| x.span())),
            floor_share: line(w.floor_share.as_ref().map(|x| x.span())),
            min_seats: line(w.min_seats.as_ref().map(|x| x.span())),
        },
    })
}

fn parse_quota_fields(
    ctx: &Ctx,
    s: &RawSection,
    sec: &str,
    name: String,
) -> Result<DecisionRule, GovernError> {
    let votes = match (&s.votes_at_least, &s.votes_more_than) {
        (Some(a), None) => WeightQuota::AtLeast(ctx.share(a, &format!("{sec}.votes_at_least"))?),
        (None, Some(m)) => WeightQuota::MoreThan(ctx.share(m, &format!("{sec}.votes_more_than"))?),
        (None, None) => WeightQuota::MoreThan(Share::HALF),
        (Some(_), Some(m)) => {
            return ctx.field(
                m.span(),
                &format!("{sec}.votes_more_than"),
                "(set)",
                "give either votes_at_least or votes_more_than, not both",
            )
        }
    };
    let members = match (&s.members_at_least, &s.members_more_than) {
        (Some(a), None) => Some(MemberQuota::AtLeast(
            ctx.share(a, &format!("{sec}.members_at_least"))?,
        )),
        (None, Some(m)) => Some(MemberQuota::MoreThan(
            ctx.share(m, &format!("{sec}.members_more_than"))?,
        )),
        (None, None) => None,
        (Some(_), Some(m)) => {
            return ctx.field(
                m.span(),
                &format!("{sec}.members_more_than"),
                "(set)",
                "give either members_at_least or members_more_than, not both",
            )
        }
    };
    let members_min = match &s.members_min {
        Some(m) => ctx.count(m, &format!("{sec}.members_min"), 0)? as usize,
        None => 0,
    };
    let blocking_min_members = match &s.blocking_min_members {
        Some(m) => Some(ctx.count(m, &format!("{sec}.blocking_min_members"), 1)? as usize),
        None => None,
    };
    let veto = s
        .veto
        .iter()
        .flatten()
        .map(|v| Located {
            value: v.get_ref().clone(),
            line: ctx.line(v.span().start),
        })
        .collect();
    Ok(DecisionRule {
        name,
        votes,
        members,
        members_min,
        blocking_min_members,
        veto,
        unanimity: s.unanimity.as_ref().is_some_and(|u| *u.get_ref()),
    })
}

fn parse_decision(
    ctx: &Ctx,
    s: &Spanned<RawSection>,
    sec: &str,
    fixed_name: Option<&str>,
) -> Result<DecisionRule, GovernError> {
    let r = s.get_ref();
    for (f, span) in [
        ("method", r.method.as_ref().map(|x| x.span())),
        ("term_years", r.term_years.as_ref().map(|x| x.span())),
    ] {
        if let Some(span) = span {
            return ctx.field(
                span,
                &format!("{sec}.{f}"),
                "(set)",
                "only allowed in [president]",
            );
        }
    }
    let name = match (fixed_name, &r.name) {
        (Some(n), None) => n.to_string(),
        (Some(_), Some(n)) => {
            return ctx.field(
                n.span(),
                &format!("{sec}.name"),
                n.get_ref(),
                "[decision] has no name; use [[matter]] for named matters",
            )
        }
        (None, Some(n)) if !n.get_ref().trim().is_empty() => n.get_ref().trim().to_string(),
        (None, Some(n)) => {
            return ctx.field(n.span(), "matter.name", "\"\"", "a matter needs a name")
        }
        (None, None) => {
            return ctx.field(
                s.span(),
                "matter.name",
                "(missing)",
                "every [[matter]] needs a name",
            )
        }
    };
    parse_quota_fields(ctx, r, sec, name)
}

fn parse_president(ctx: &Ctx, s: &Spanned<RawSection>) -> Result<PresidentRule, GovernError> {
    let r = s.get_ref();
    let Some(method) = &r.method else {
        return ctx.field(
            s.span(),
            "president.method",
            "(missing)",
            "expected \"largest\", \"rotation\" or \"election\"",
        );
    };
    match method.get_ref().as_str() {
        "largest" => Ok(PresidentRule::Largest),
        "rotation" => {
            let term_years = match &r.term_years {
                Some(t) => ctx.count(t, "president.term_years", 1)? as u32,
                None => 1,
            };
            Ok(PresidentRule::Rotation { term_years })
        }
        "election" => Ok(PresidentRule::Election(parse_quota_fields(
            ctx,
            r,
            "president",
            "president election".into(),
        )?)),
        other => ctx.field(
            method.span(),
            "president.method",
            &format!("{other:?}"),
            "expected \"largest\", \"rotation\" or \"election\"",
        ),
    }
}

impl WeightRule {
    /// Integer vote weights of the members. Population weights without caps stay exact
    /// (inhabitants); real-valued weights are apportioned into `seats` when given, else scaled
    /// to 100,000 units and rounded (each weight off by at most half a unit, 5e-6 of the total).
    pub fn apply(&self, members: &[Member], file: &str) -> Result<Vec<u64>, GovernError> {
        if members.is_empty() {
            return Err(GovernError::Invalid("the assembly has no members".into()));
        }
        let raw: Vec<f64> = members
            .iter()
            .map(|m| {
                let p = m.population as f64;
                match self.basis {
                    WeightBasis::Equal => 1.0,
                    WeightBasis::Population => p,
                    WeightBasis::SqrtPopulation => p.sqrt(),
                    WeightBasis::Power(e) => p.powf(e),
                }
            })
            .collect();
        let exact_integers = matches!(self.basis, WeightBasis::Equal | WeightBasis::Population)
            && self.cap_share.is_none()
            && self.floor_share.is_none()
            && self.seats.is_none();
        if exact_integers {
            return Ok(raw.iter().map(|x| *x as u64).collect());
        }
        let mut w = raw;
        if let Some(floor) = self.floor_share {
            w = bound_shares(&w, floor.as_f64(), Bound::Floor).ok_or_else(|| {
                GovernError::Field {
                    file: file.to_string(),
                    line: 0,
                    field: "weights.floor_share".into(),
                    value: floor.to_string(),
                    reason: format!(
                        "a floor this high cannot hold for {} members",
                        members.len()
                    ),
                }
            })?;
        }
        if let Some(cap) = self.cap_share {
            w = bound_shares(&w, cap.as_f64(), Bound::Cap).ok_or_else(|| GovernError::Field {
                file: file.to_string(),
                line: self.lines.cap_share,
                field: "weights.cap_share".into(),
                value: cap.to_string(),
                reason: format!("a cap this low cannot hold for {} members", members.len()),
            })?;
        }
        match self.seats {
            Some(seats) => hamilton(&w, seats, self.min_seats).ok_or_else(|| GovernError::Field {
                file: file.to_string(),
                line: self.lines.min_seats,
                field: "weights.min_seats".into(),
                value: self.min_seats.to_string(),
                reason: format!(
                    "{} members × min_seats exceed the {seats} seats",
                    members.len()
                ),
            }),
            None => {
                let total: f64 = w.iter().sum();
                if total <= 0.0 {
                    return Err(GovernError::Invalid("all members have zero weight".into()));
                }
                Ok(w.iter().map(|x| (x / total * 1e5).round() as u64).collect())
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Bound {
    Cap,
    Floor,
}

/// Caps (or floors) every weight at `share` of the *resulting* total: the bounded members get
/// the common value `c = share·U / (1 − m·share)` where `U` is the sum of the others and `m`
/// their number, repeated until no further member crosses the bound. `None` when infeasible.
fn bound_shares(w: &[f64], share: f64, bound: Bound) -> Option<Vec<f64>> {
    let n = w.len();
    let feasible = match bound {
        Bound::Cap => share * n as f64 >= 1.0 - 1e-12,
        Bound::Floor => share * n as f64 <= 1.0 + 1e-12,
    };
    if !feasible {
        return None;
    }
    let mut bounded = vec![false; n];
    for _ in 0..=n {
        let m = bounded.iter().filter(|b| **b).count() as f64;
        let u: f64 = w
            .iter()
            .zip(&bounded)
            .filter(|(_, b)| !**b)
            .map(|(x, _)| x)
            .sum();
        if m * share >= 1.0 - 1e-12 || u <= 0.0 {
            // Every member sits at the bound: equal weights.
            return Some(vec![1.0; n]);
        }
        let c = share * u / (1.0 - m * share);
        let mut changed = false;
        for i in 0..n {
            let crosses = match bound {
                Bound::Cap => w[i] > c,
                Bound::Floor => w[i] < c,
            };
            if crosses && !bounded[i] {
                bounded[i] = true;
                changed = true;
            }
        }
        if !changed {
            return Some(
                w.iter()
                    .zip(&bounded)
                    .map(|(x, b)| if *b { c } else { *x })
                    .collect(),
            );
        }
    }
    None
}

/// Largest-remainder (Hamilton) apportionment of `seats` with a minimum per member.
fn hamilton(w: &[f64], seats: u64, min: u64) -> Option<Vec<u64>> {
    let n = w.len() as u64;
    let free = seats.checked_sub(n * min)?;
    let total: f64 = w.iter().sum();
    if total <= 0.0 {
        return Some(vec![min; w.len()]);
    }
    let quotas: Vec<f64> = w.iter().map(|x| x / total * free as f64).collect();
    let mut out: Vec<u64> = quotas.iter().map(|q| q.floor() as u64).collect();
    let given: u64 = out.iter().sum();
    let mut order: Vec<usize> = (0..w.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = quotas[a] - quotas[a].floor();
        let rb = quotas[b] - quotas[b].floor();
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &i in order.iter().take((free - given) as usize) {
        out[i] += 1;
    }
    Some(out.into_iter().map(|s| s + min).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_hold_on_the_result() {
        let w = bound_shares(&[60.0, 20.0, 10.0, 10.0], 0.4, Bound::Cap).unwrap();
        let t: f64 = w.iter().sum();
        assert!((w[0] / t - 0.4).abs() < 1e-12);
        assert!((w[1] - 20.0).abs() < 1e-12);
        assert!(bound_shares(&[1.0, 1.0], 0.3, Bound::Cap).is_none());
    }

    #[test]
    fn hamilton_gives_all_seats() {
        let s = hamilton(&[50.0, 30.0, 20.0], 10, 1).unwrap();
        assert_eq!(s.iter().sum::<u64>(), 10);
        assert_eq!(s, vec![5, 3, 2]);
    }
}

//! The named conditions a case offers to a QCA matrix or a model (`TIES`, `LEAD`, `SUCCESS`...).
//!
//! Each name maps to one field of the case schema, except the derived ones: `LEAD` (political
//! leadership: sponsor, champion or catalyst, as in `seed_imc`), `ROLES` (any of the four
//! leadership roles, the paper's wider "leadership roles") and `BARRIER` (any barrier), computed
//! as fuzzy OR (maximum) with unknowns kept as bounds.

use crate::case::Case;
use crate::field::{Evidence, Field};
use crate::membership::{Bounds, Coded, Membership};
use std::sync::Arc;

/// What kind of value a condition holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionKind {
    /// A membership score in [0, 1].
    Score,
    /// A count; a QCA matrix needs a threshold (`NMUN>=20`).
    Count,
}

/// The value of a condition for one case.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A membership score, as bounds (a point when known).
    Score(Bounds),
    /// A count, or unknown.
    Count(Coded<u32>),
}

impl Cell {
    /// True when the value is fully known.
    pub fn is_known(&self) -> bool {
        match self {
            Cell::Score(b) => b.is_known(),
            Cell::Count(c) => c.known().is_some(),
        }
    }
}

/// Where a cell's value is written. The file and field names are shared (`Arc<str>`): a case
/// matrix of 100,000 rows holds one copy of each, not one per cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// The file.
    pub file: Arc<str>,
    /// The line of the field, when written.
    pub line: Option<usize>,
    /// The field's key path (several, joined with `+`, for derived conditions).
    pub field: Arc<str>,
}

type ScoreGet = fn(&Case) -> Option<&Field<Membership>>;
type CountGet = fn(&Case) -> &Field<u32>;

enum Getter {
    Score(ScoreGet),
    Count(CountGet),
    AnyOf(&'static [&'static str]),
}

/// A named condition of the case schema.
pub struct ConditionDef {
    /// The name used in matrices and models (upper case, as in QCA practice).
    pub name: &'static str,
    /// The key path in the case file (or the rule for derived conditions).
    pub field: &'static str,
    /// What it means.
    pub about: &'static str,
    getter: Getter,
}

impl ConditionDef {
    /// Score or count.
    pub fn kind(&self) -> ConditionKind {
        match self.getter {
            Getter::Count(_) => ConditionKind::Count,
            _ => ConditionKind::Score,
        }
    }
}

macro_rules! score {
    ($name:literal, $field:literal, $about:literal, |$c:ident| $e:expr) => {
        ConditionDef {
            name: $name,
            field: $field,
            about: $about,
            getter: Getter::Score(|$c: &Case| $e),
        }
    };
}

macro_rules! count {
    ($name:literal, $field:literal, $about:literal, |$c:ident| $e:expr) => {
        ConditionDef {
            name: $name,
            field: $field,
            about: $about,
            getter: Getter::Count(|$c: &Case| $e),
        }
    };
}

/// The outcome condition: agreement reached.
pub const OUTCOME: &str = "SUCCESS";

/// Every named condition, in the order of the framework.
pub static CONDITIONS: &[ConditionDef] = &[
    score!(
        "TIES",
        "structures.ties",
        "close ties among the partners",
        |c| Some(&c.structures.ties)
    ),
    score!("TRUST", "structures.trust", "a good level of trust", |c| {
        Some(&c.structures.trust)
    }),
    score!(
        "PREV",
        "structures.previous_collaboration",
        "previous collaboration",
        |c| Some(&c.structures.previous_collaboration)
    ),
    count!(
        "NMUN",
        "structures.municipalities",
        "number of municipalities",
        |c| &c.structures.municipalities
    ),
    count!(
        "NSMALL",
        "structures.small_municipalities",
        "municipalities under 5,000 inhabitants",
        |c| &c.structures.small_municipalities
    ),
    count!(
        "NPLANS",
        "structures.area_plans",
        "existing area plans involved",
        |c| &c.structures.area_plans
    ),
    score!(
        "LARGE",
        "structures.large_city",
        "a large town or city among the partners",
        |c| Some(&c.structures.large_city)
    ),
    score!(
        "FORMAL",
        "processes.formal_planning",
        "formal planning",
        |c| Some(&c.processes.formal_planning)
    ),
    score!(
        "INFORMAL",
        "processes.informal_relations",
        "informal relations",
        |c| Some(&c.processes.informal_relations)
    ),
    score!(
        "MEET",
        "processes.joint_meetings",
        "joint meetings and workshops",
        |c| Some(&c.processes.joint_meetings)
    ),
    score!(
        "ROUTINE",
        "processes.routinised_cooperation",
        "routinised administrative cooperation",
        |c| Some(&c.processes.routinised_cooperation)
    ),
    score!(
        "THIRD",
        "processes.third_sector_assembly",
        "third-sector assembly",
        |c| Some(&c.processes.third_sector_assembly)
    ),
    score!(
        "ORCH",
        "processes.external_orchestrator",
        "external orchestrator (e.g. a university)",
        |c| Some(&c.processes.external_orchestrator)
    ),
    score!("SPONSOR", "actors.roles.sponsor", "sponsor role", |c| Some(
        &c.actors.roles.sponsor
    )),
    score!("CHAMPION", "actors.roles.champion", "champion role", |c| {
        Some(&c.actors.roles.champion)
    }),
    score!("CATALYST", "actors.roles.catalyst", "catalyst role", |c| {
        Some(&c.actors.roles.catalyst)
    }),
    score!(
        "IMPLEMENTER",
        "actors.roles.implementer",
        "implementer role",
        |c| Some(&c.actors.roles.implementer)
    ),
    ConditionDef {
        name: "LEAD",
        field: "SPONSOR + CHAMPION + CATALYST",
        about: "political leadership: sponsor, champion or catalyst (seed_imc's LEAD)",
        getter: Getter::AnyOf(&["SPONSOR", "CHAMPION", "CATALYST"]),
    },
    ConditionDef {
        name: "ROLES",
        field: "SPONSOR + CHAMPION + CATALYST + IMPLEMENTER",
        about: "any of the four leadership roles",
        getter: Getter::AnyOf(&["SPONSOR", "CHAMPION", "CATALYST", "IMPLEMENTER"]),
    },
    score!(
        "HOMO",
        "actors.political_homophily",
        "political homophily",
        |c| Some(&c.actors.political_homophily)
    ),
    score!(
        "ADMIN",
        "actors.administrative_leadership",
        "administrative leadership",
        |c| Some(&c.actors.administrative_leadership)
    ),
    score!(
        "CONVICT",
        "barriers.conflicting_convictions",
        "conflicting convictions on good policy",
        |c| Some(&c.barriers.conflicting_convictions)
    ),
    score!(
        "STEREO",
        "barriers.stereotyping",
        "stereotyping of partners",
        |c| Some(&c.barriers.stereotyping)
    ),
    score!(
        "FRAMING",
        "barriers.framing",
        "framing of the change",
        |c| Some(&c.barriers.framing)
    ),
    score!("FEAR", "barriers.fear_of_failure", "fear of failure", |c| {
        Some(&c.barriers.fear_of_failure)
    }),
    score!("COVERUP", "barriers.cover_up", "cover-up strategies", |c| {
        Some(&c.barriers.cover_up)
    }),
    ConditionDef {
        name: "BARRIER",
        field: "CONVICT + STEREO + FRAMING + FEAR + COVERUP",
        about: "any barrier",
        getter: Getter::AnyOf(&["CONVICT", "STEREO", "FRAMING", "FEAR", "COVERUP"]),
    },
    score!(
        "SUCCESS",
        "performance.agreement",
        "agreement reached (the outcome)",
        |c| c.performance.as_ref().map(|p| &p.agreement)
    ),
];

/// The definition of a named condition.
pub fn definition(name: &str) -> Option<&'static ConditionDef> {
    CONDITIONS.iter().find(|d| d.name == name)
}

/// The value of condition `name` for `case` and where it is written; `None` if no such name.
///
/// Besides the names of [`CONDITIONS`], a count thresholded as in a matrix column (`NMUN_GE20`:
/// at least 20 municipalities) is a crisp score.
pub fn value(case: &Case, name: &str) -> Option<(Cell, Origin)> {
    let Some(def) = definition(name) else {
        return thresholded(case, name);
    };
    let origin = |line: Option<usize>| Origin {
        file: Arc::from(case.file.as_str()),
        line,
        field: Arc::from(def.field),
    };
    Some(match def.getter {
        Getter::Score(get) => match get(case) {
            Some(f) => (Cell::Score(Bounds::of(&f.value)), origin(f.line)),
            None => (Cell::Score(Bounds::UNKNOWN), origin(None)),
        },
        Getter::Count(get) => {
            let f = get(case);
            (Cell::Count(f.value.clone()), origin(f.line))
        }
        Getter::AnyOf(names) => {
            let mut acc = Bounds::point(Membership::OUT);
            let mut line = None;
            for n in names {
                if let Some((Cell::Score(b), o)) = value(case, n) {
                    acc = acc.or(b);
                    line = line.or(o.line);
                }
            }
            (Cell::Score(acc), origin(line))
        }
    })
}

/// `NAME_GE<t>` for a count condition `NAME`: 1 when the count is at least `t`.
fn thresholded(case: &Case, name: &str) -> Option<(Cell, Origin)> {
    let (base, t) = name.rsplit_once("_GE")?;
    let t: u32 = t.parse().ok()?;
    let (cell, origin) = value(case, base)?;
    let Cell::Count(count) = cell else {
        return None;
    };
    let b = match count {
        Coded::Known(n) => Bounds::point(if n >= t {
            Membership::IN
        } else {
            Membership::OUT
        }),
        Coded::Unknown => Bounds::UNKNOWN,
    };
    Some((Cell::Score(b), origin))
}

/// The evidence behind condition `name` for `case` (several records for derived conditions),
/// with the line of each field (`None` when not written).
pub fn evidence_of<'c>(
    case: &'c Case,
    name: &str,
) -> Vec<(&'static str, &'c Evidence, Option<usize>)> {
    let Some(def) = definition(name) else {
        return match name.rsplit_once("_GE") {
            Some((base, _)) if definition(base).is_some() => evidence_of(case, base),
            _ => Vec::new(),
        };
    };
    match def.getter {
        Getter::Score(get) => get(case)
            .map(|f| vec![(def.field, &f.evidence, f.line)])
            .unwrap_or_default(),
        Getter::Count(get) => {
            let f = get(case);
            vec![(def.field, &f.evidence, f.line)]
        }
        Getter::AnyOf(names) => names.iter().flat_map(|n| evidence_of(case, n)).collect(),
    }
}

// The case's evidence listing lives here, beside the condition table it walks, so that the
// case schema (`case.rs`) does not depend on the conditions derived from it.
impl Case {
    /// Every evidence record of the case with the key path of its field.
    pub fn evidence(&self) -> Vec<(String, &Evidence)> {
        fields(self)
            .into_iter()
            .map(|(path, ev)| (path.to_string(), ev))
            .collect()
    }
}

/// Every coded field of a case with its evidence, keyed by path.
pub(crate) fn fields(case: &Case) -> Vec<(&'static str, &Evidence)> {
    let mut out = Vec::new();
    for def in CONDITIONS {
        match def.getter {
            Getter::Score(get) => {
                if let Some(f) = get(case) {
                    out.push((def.field, &f.evidence));
                }
            }
            Getter::Count(get) => out.push((def.field, &get(case).evidence)),
            Getter::AnyOf(_) => {}
        }
    }
    out.push(("structures.size_mix", &case.structures.size_mix.evidence));
    out
}

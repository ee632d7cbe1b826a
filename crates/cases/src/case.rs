//! The case schema: structures, processes, actors, barriers, paradoxes and performance.
//!
//! The framework is the study's adaptation of Vangen et al. (structures, processes, actors),
//! completed by Crosby et al.'s four leadership roles, performance as "the significance of a
//! decision" (an act is a decision if no significant partner defects), and the barriers and
//! paradoxes found along the way (reference paper, section 2 and the end of section 5).

use crate::error::CaseError;
use crate::field::{Field, RawField, SizeMix};
use crate::membership::{Coded, Membership};
use crate::toml_file::{self, Locator};
use serde::{Deserialize, Serialize};

/// Whether a file is a coded case (every field written, performance required) or a candidate
/// partnership (fields left out are unknown, performance is not yet known).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// A coded case of a study: every field must be written (possibly as `"unknown"`).
    Case,
    /// A candidate partnership: omitted fields are unknown, `[performance]` is optional.
    Partnership,
}

/// A cooperation case (or candidate partnership) read from a TOML file.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Short identifier, unique within a study (`A`).
    pub id: String,
    /// Human name (`Local area plan A`).
    pub name: String,
    /// The study the case belongs to.
    pub study: Option<String>,
    /// Default source of the evidence quotes.
    pub source: Option<String>,
    /// A short narrative summary.
    pub summary: Option<String>,
    /// The file it was read from.
    pub file: String,
    /// Structural conditions.
    pub structures: Structures,
    /// Processes of cooperation.
    pub processes: Processes,
    /// Actors and leadership.
    pub actors: Actors,
    /// Barriers to change.
    pub barriers: Barriers,
    /// Paradoxes of cooperation, named, with text.
    pub paradoxes: Vec<Paradox>,
    /// The outcome; `None` only for candidate partnerships.
    pub performance: Option<Performance>,
}

/// Structures: ties, trust, previous collaboration, number and size of municipalities.
#[derive(Debug, Clone, PartialEq)]
pub struct Structures {
    /// Close (strong) ties among the partners, as opposed to weak ties.
    pub ties: Field<Membership>,
    /// A good level of trust among the partners.
    pub trust: Field<Membership>,
    /// Previous experiences of collaboration.
    pub previous_collaboration: Field<Membership>,
    /// Number of municipalities involved.
    pub municipalities: Field<u32>,
    /// Number of those with fewer than 5,000 inhabitants.
    pub small_municipalities: Field<u32>,
    /// Number of existing area plans (districts) involved.
    pub area_plans: Field<u32>,
    /// Size mix of the municipalities.
    pub size_mix: Field<SizeMix>,
    /// A large town or city among the partners.
    pub large_city: Field<Membership>,
}

/// Processes: how the partners coordinate, formally and informally.
#[derive(Debug, Clone, PartialEq)]
pub struct Processes {
    /// Formal planning (documents, formal agreements prepared by the offices).
    pub formal_planning: Field<Membership>,
    /// Informal relations and bargaining.
    pub informal_relations: Field<Membership>,
    /// Joint meetings, workshops, committees.
    pub joint_meetings: Field<Membership>,
    /// Routinised cooperation among the administrative offices.
    pub routinised_cooperation: Field<Membership>,
    /// An assembly of the third sector.
    pub third_sector_assembly: Field<Membership>,
    /// An external orchestrator (e.g. a university); `played_by` names it.
    pub external_orchestrator: Field<Membership>,
}

/// Actors: the four leadership roles, political homophily, administrative leadership.
#[derive(Debug, Clone, PartialEq)]
pub struct Actors {
    /// Crosby et al.'s leadership roles.
    pub roles: Roles,
    /// Political homophily among the leading politicians.
    pub political_homophily: Field<Membership>,
    /// The administrative side takes the lead.
    pub administrative_leadership: Field<Membership>,
}

/// Crosby et al.'s four leadership roles; `played_by` on each names who plays it.
#[derive(Debug, Clone, PartialEq)]
pub struct Roles {
    /// Sponsors: authority and resources behind the change.
    pub sponsor: Field<Membership>,
    /// Champions: drive the process day to day.
    pub champion: Field<Membership>,
    /// Catalysts: bring partners together around the issue.
    pub catalyst: Field<Membership>,
    /// Implementers: carry out the agreement.
    pub implementer: Field<Membership>,
}

/// Barriers to change named in the study (end of section 5).
#[derive(Debug, Clone, PartialEq)]
pub struct Barriers {
    /// Conflicting convictions on good policy making (old versus new models).
    pub conflicting_convictions: Field<Membership>,
    /// Stereotyping of potential partners.
    pub stereotyping: Field<Membership>,
    /// Framing of the change that puts pressure on the implementers.
    pub framing: Field<Membership>,
    /// Fear of the risk of failure.
    pub fear_of_failure: Field<Membership>,
    /// Cover-up strategies that hide difficulties (e.g. endless new simulations).
    pub cover_up: Field<Membership>,
}

impl Barriers {
    /// The barriers with their names as written in case files.
    pub fn named(&self) -> [(&'static str, &Field<Membership>); 5] {
        [
            ("conflicting_convictions", &self.conflicting_convictions),
            ("stereotyping", &self.stereotyping),
            ("framing", &self.framing),
            ("fear_of_failure", &self.fear_of_failure),
            ("cover_up", &self.cover_up),
        ]
    }
}

/// A paradox of cooperation, named, with its text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paradox {
    /// Short name.
    pub name: String,
    /// What the paradox is.
    pub text: String,
    /// A verbatim quote from the source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// Where the quote comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Performance: whether an agreement was reached (and no significant partner defected).
#[derive(Debug, Clone, PartialEq)]
pub struct Performance {
    /// The agreement was reached.
    pub agreement: Field<Membership>,
    /// When (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`).
    pub date: Option<String>,
    /// Partners that defected or blocked the agreement.
    pub defected: Vec<String>,
}

type Score = RawField<Membership, false>;
type Who = RawField<Membership, true>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    id: String,
    name: String,
    study: Option<String>,
    source: Option<String>,
    summary: Option<String>,
    structures: Option<RawStructures>,
    processes: Option<RawProcesses>,
    actors: Option<RawActors>,
    barriers: Option<RawBarriers>,
    #[serde(default)]
    paradoxes: Vec<RawParadox>,
    performance: Option<RawPerformance>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawStructures {
    ties: Option<Score>,
    trust: Option<Score>,
    previous_collaboration: Option<Score>,
    municipalities: Option<RawField<u32, false>>,
    small_municipalities: Option<RawField<u32, false>>,
    area_plans: Option<RawField<u32, false>>,
    size_mix: Option<RawField<SizeMix, false>>,
    large_city: Option<Score>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawProcesses {
    formal_planning: Option<Score>,
    informal_relations: Option<Score>,
    joint_meetings: Option<Score>,
    routinised_cooperation: Option<Score>,
    third_sector_assembly: Option<Score>,
    external_orchestrator: Option<Who>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawActors {
    roles: Option<RawRoles>,
    political_homophily: Option<Score>,
    administrative_leadership: Option<Score>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRoles {
    sponsor: Option<Who>,
    champion: Option<Who>,
    catalyst: Option<Who>,
    implementer: Option<Who>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawBarriers {
    conflicting_convictions: Option<Score>,
    stereotyping: Option<Score>,
    framing: Option<Score>,
    fear_of_failure: Option<Score>,
    cover_up: Option<Score>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParadox {
    name: String,
    text: String,
    quote: Option<String>,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerformance {
    agreement: Score,
    date: Option<String>,
    #[serde(default)]
    defected: Vec<String>,
}

/// Turns raw fields into fields with lines; collects every missing-field error.
struct Builder<'a> {
    file: &'a str,
    profile: Profile,
    locator: Locator<'a>,
    default_source: Option<String>,
    errors: Vec<CaseError>,
    /// Tables missing as a whole: reported once, not field by field.
    missing_tables: Vec<&'static str>,
}

impl Builder<'_> {
    fn take<T, const WHO: bool>(
        &mut self,
        raw: Option<RawField<T, WHO>>,
        path: &[&str],
    ) -> Field<T> {
        let line = self.locator.line(path);
        match raw {
            Some(raw) => {
                let mut field = raw.at(line);
                if field.evidence.quote.is_some() && field.evidence.source.is_none() {
                    field.evidence.source = self.default_source.clone();
                }
                field
            }
            None => {
                let table_missing = self.missing_tables.iter().any(|t| path.first() == Some(t));
                if self.profile == Profile::Case && !table_missing {
                    self.errors.push(CaseError::invalid(
                        self.file,
                        line,
                        &path.join("."),
                        None,
                        "missing field: a case codes every field; write \"unknown\" when the \
                         source does not say (unknown is not absent)",
                    ));
                }
                Field::not_written()
            }
        }
    }
}

impl Case {
    /// Reads a case (or partnership, per `profile`) from TOML text; `file` names it in errors.
    pub fn from_toml(text: &str, file: &str, profile: Profile) -> Result<Case, CaseError> {
        let raw: RawCase = toml_file::parse(text, file)?;
        let mut b = Builder {
            file,
            profile,
            locator: Locator::new(text),
            default_source: raw.source.clone(),
            errors: Vec::new(),
            missing_tables: Vec::new(),
        };
        if profile == Profile::Case {
            let tables = [
                ("structures", raw.structures.is_none()),
                ("processes", raw.processes.is_none()),
                ("actors", raw.actors.is_none()),
                ("barriers", raw.barriers.is_none()),
            ];
            for (name, missing) in tables {
                if missing {
                    b.missing_tables.push(name);
                    b.errors.push(CaseError::invalid(
                        file,
                        None,
                        name,
                        None,
                        format!(
                            "missing table [{name}]: a case codes every field of the framework"
                        ),
                    ));
                }
            }
        }
        if raw.id.trim().is_empty() {
            let line = b.locator.line(&["id"]);
            b.errors.push(CaseError::invalid(
                file,
                line,
                "id",
                Some("\"\"".into()),
                "the case id must not be empty",
            ));
        }
        let s = raw.structures.unwrap_or_default();
        let structures = Structures {
            ties: b.take(s.ties, &["structures", "ties"]),
            trust: b.take(s.trust, &["structures", "trust"]),
            previous_collaboration: b.take(
                s.previous_collaboration,
                &["structures", "previous_collaboration"],
            ),
            municipalities: b.take(s.municipalities, &["structures", "municipalities"]),
            small_municipalities: b.take(
                s.small_municipalities,
                &["structures", "small_municipalities"],
            ),
            area_plans: b.take(s.area_plans, &["structures", "area_plans"]),
            size_mix: b.take(s.size_mix, &["structures", "size_mix"]),
            large_city: b.take(s.large_city, &["structures", "large_city"]),
        };
        let p = raw.processes.unwrap_or_default();
        let processes = Processes {
            formal_planning: b.take(p.formal_planning, &["processes", "formal_planning"]),
            informal_relations: b.take(p.informal_relations, &["processes", "informal_relations"]),
            joint_meetings: b.take(p.joint_meetings, &["processes", "joint_meetings"]),
            routinised_cooperation: b.take(
                p.routinised_cooperation,
                &["processes", "routinised_cooperation"],
            ),
            third_sector_assembly: b.take(
                p.third_sector_assembly,
                &["processes", "third_sector_assembly"],
            ),
            external_orchestrator: b.take(
                p.external_orchestrator,
                &["processes", "external_orchestrator"],
            ),
        };
        let a = raw.actors.unwrap_or_default();
        let r = a.roles.unwrap_or_default();
        let actors = Actors {
            roles: Roles {
                sponsor: b.take(r.sponsor, &["actors", "roles", "sponsor"]),
                champion: b.take(r.champion, &["actors", "roles", "champion"]),
                catalyst: b.take(r.catalyst, &["actors", "roles", "catalyst"]),
                implementer: b.take(r.implementer, &["actors", "roles", "implementer"]),
            },
            political_homophily: b.take(a.political_homophily, &["actors", "political_homophily"]),
            administrative_leadership: b.take(
                a.administrative_leadership,
                &["actors", "administrative_leadership"],
            ),
        };
        let br = raw.barriers.unwrap_or_default();
        let barriers = Barriers {
            conflicting_convictions: b.take(
                br.conflicting_convictions,
                &["barriers", "conflicting_convictions"],
            ),
            stereotyping: b.take(br.stereotyping, &["barriers", "stereotyping"]),
            framing: b.take(br.framing, &["barriers", "framing"]),
            fear_of_failure: b.take(br.fear_of_failure, &["barriers", "fear_of_failure"]),
            cover_up: b.take(br.cover_up, &["barriers", "cover_up"]),
        };
        let paradoxes = raw
            .paradoxes
            .into_iter()
            .map(|p| Paradox {
                source: p
                    .source
                    .or_else(|| p.quote.as_ref().and(raw.source.clone())),
                name: p.name,
                text: p.text,
                quote: p.quote,
            })
            .collect();
        let performance = match raw.performance {
            Some(perf) => {
                if let Some(date) = &perf.date {
                    if let Err(msg) = check_date(date) {
                        let line = b.locator.line(&["performance", "date"]);
                        b.errors.push(CaseError::invalid(
                            file,
                            line,
                            "performance.date",
                            Some(format!("\"{date}\"")),
                            msg,
                        ));
                    }
                }
                Some(Performance {
                    agreement: b.take(Some(perf.agreement), &["performance", "agreement"]),
                    date: perf.date,
                    defected: perf.defected,
                })
            }
            None => {
                if profile == Profile::Case {
                    b.errors.push(CaseError::invalid(
                        file,
                        None,
                        "performance",
                        None,
                        "missing table [performance]: a case records whether the agreement was \
                         reached (a candidate partnership goes to `ambit assess`)",
                    ));
                }
                None
            }
        };
        let errors = std::mem::take(&mut b.errors);
        match errors.len() {
            0 => Ok(Case {
                id: raw.id,
                name: raw.name,
                study: raw.study,
                source: raw.source,
                summary: raw.summary,
                file: file.to_string(),
                structures,
                processes,
                actors,
                barriers,
                paradoxes,
                performance,
            }),
            1 => Err(errors.into_iter().next().unwrap_or(CaseError::Many(vec![]))),
            _ => Err(CaseError::Many(errors)),
        }
    }

    /// Reads a case file from disk.
    pub fn read(path: &std::path::Path, profile: Profile) -> Result<Case, CaseError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| CaseError::Io {
            file: file.clone(),
            source,
        })?;
        Case::from_toml(&text, &file, profile)
    }

    /// The observed outcome: agreement reached (`Known`) or not recorded.
    pub fn agreement(&self) -> Coded<Membership> {
        self.performance
            .as_ref()
            .map_or(Coded::Unknown, |p| p.agreement.value.clone())
    }
}

/// Checks a partial ISO date: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn check_date(date: &str) -> Result<(), String> {
    let parts: Vec<&str> = date.split('-').collect();
    let ok_num = |s: &str, len: usize, lo: u32, hi: u32| {
        s.len() == len
            && s.chars().all(|c| c.is_ascii_digit())
            && s.parse::<u32>().is_ok_and(|v| (lo..=hi).contains(&v))
    };
    let ok = match parts.as_slice() {
        [y] => ok_num(y, 4, 1000, 9999),
        [y, m] => ok_num(y, 4, 1000, 9999) && ok_num(m, 2, 1, 12),
        [y, m, d] => ok_num(y, 4, 1000, 9999) && ok_num(m, 2, 1, 12) && ok_num(d, 2, 1, 31),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err("expected a date written YYYY, YYYY-MM or YYYY-MM-DD".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(check_date("2018").is_ok());
        assert!(check_date("2018-06").is_ok());
        assert!(check_date("2018-12-31").is_ok());
        assert!(check_date("2018-13").is_err());
        assert!(check_date("June 2018").is_err());
        assert!(check_date("2018-6").is_err());
    }
}

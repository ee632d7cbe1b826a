//! The tables and JSON of `ambit govern`: the power of every member under one rule book (with
//! its notes: largest member, dictator, dummies, rounding, president, other matters), several
//! rule books side by side, the rule search and a budget split.
//!
//! ```
//! use ambit_govern::{share_budget, Allocation, BudgetInput, Member};
//! use ambit_report::govern::GovernReport;
//! use ambit_report::table::Format;
//!
//! let members = vec![Member::new("1", "Big", 300), Member::new("2", "Small", 100)];
//! let inputs = vec![BudgetInput::default(); 2];
//! let budget = share_budget(&members, &inputs, 1000.0, 0.0, Allocation::Population).unwrap();
//! let report = GovernReport {
//!     budget: Some(&budget),
//!     ..GovernReport::new("Here", &members)
//! };
//! let csv = report.render(Format::Csv).unwrap();
//! assert_eq!(csv.lines().nth(1), Some("Big,75.00%,750.00,-,-"));
//! ```

use crate::table::{Align, Format, Table};
use ambit_govern::{
    Allocation, AssemblyRules, Assessment, Budget, Candidate, Member, PresidentRule, Target,
    WeightQuota,
};

/// Everything `ambit govern` shows for one district; the parts left empty are not shown.
pub struct GovernReport<'a> {
    /// The district's name as the user gave it.
    pub district: &'a str,
    /// Its members, largest first (the order of every assessment's rows).
    pub members: &'a [Member],
    /// Each rule book with its assessment: one is shown in detail, several side by side.
    pub assessments: &'a [(AssemblyRules, Assessment)],
    /// Members shown in the side-by-side power table (largest first); 0 = all.
    pub top: usize,
    /// The rule search: its target and the candidates, best first.
    pub search: Option<(Target, &'a [Candidate])>,
    /// A budget split.
    pub budget: Option<&'a Budget>,
}

impl<'a> GovernReport<'a> {
    /// A report of `members` with nothing computed yet (ten members in comparisons).
    pub fn new(district: &'a str, members: &'a [Member]) -> Self {
        GovernReport {
            district,
            members,
            assessments: &[],
            top: 10,
            search: None,
            budget: None,
        }
    }

    /// The tables, in order: power (detail or comparison), search, budget.
    pub fn tables(&self) -> Vec<Table> {
        let mut out = Vec::new();
        match self.assessments {
            [] => {}
            [(rules, a)] => out.push(detail(self.district, a, rules, self.members)),
            all => {
                let all: Vec<&Assessment> = all.iter().map(|(_, a)| a).collect();
                out.extend(comparison(self.district, &all, self.top));
            }
        }
        if let Some((target, c)) = self.search {
            out.push(search(self.district, c, target));
        }
        if let Some(b) = self.budget {
            out.push(budget(self.district, b));
        }
        out
    }

    /// Every computed value as one JSON object: district, members, assessments, search,
    /// budget (the last three when computed).
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        let mut json = serde_json::Map::new();
        json.insert("district".into(), self.district.into());
        json.insert("members".into(), serde_json::to_value(self.members)?);
        if !self.assessments.is_empty() {
            let a: Vec<&Assessment> = self.assessments.iter().map(|(_, a)| a).collect();
            json.insert("assessments".into(), serde_json::to_value(a)?);
        }
        if let Some((_, c)) = self.search {
            json.insert("search".into(), serde_json::to_value(c)?);
        }
        if let Some(b) = self.budget {
            json.insert("budget".into(), serde_json::to_value(b)?);
        }
        Ok(serde_json::Value::Object(json))
    }

    /// The report in `format` (JSON: [`GovernReport::json`], pretty-printed).
    pub fn render(&self, format: Format) -> Result<String, serde_json::Error> {
        Ok(match format {
            Format::Json => serde_json::to_string_pretty(&self.json()?)? + "\n",
            f => Table::render_all(&self.tables(), f),
        })
    }
}

/// A titled table whose first column is text and the others figures.
fn titled(title: String, headers: &[&str]) -> Table {
    let columns = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (*h, if i == 0 { Align::Left } else { Align::Right }));
    Table::new(columns).with_title(title)
}

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

fn quota_text(q: &WeightQuota) -> String {
    match q {
        WeightQuota::AtLeast(s) => format!(">= {:.1}%", s.as_f64() * 100.0),
        WeightQuota::MoreThan(s) => format!("> {:.1}%", s.as_f64() * 100.0),
        WeightQuota::Absolute(q) => format!(">= {q}"),
    }
}

/// What rounding the weights did to the game, when they were rounded.
fn scaling_note(a: &Assessment) -> Option<String> {
    (!a.scaling.is_exact()).then(|| {
        format!(
            "weights rounded to units of {} (total {} units): each weight off by at most {}; indices are exact for the rounded game",
            a.scaling.unit, a.scaling.total_units, a.scaling.max_weight_error
        )
    })
}

/// The notes under a detail table: largest member, dictator, dummies (only proven ones under
/// rounding), members the rounding leaves unresolved, power to act, rounding.
fn summary_notes(a: &Assessment, members: &[Member]) -> Vec<String> {
    let mut notes = Vec::new();
    let l = &a.largest;
    notes.push(format!(
        "largest member {}: {} of the population, Banzhaf {}, decisive in {} of the coalitions that pass; {}; smallest blocking coalition with it: {} member(s)",
        l.name,
        pct(a.members[l.index].population_share),
        pct(a.members[l.index].banzhaf),
        pct(l.decisive_share),
        if l.blocks_everything { "it can block every decision alone" } else { "it cannot block alone" },
        l.smallest_blocking_coalition
    ));
    notes.push(match a.dictator {
        Some(d) => format!("dictator: {}", members[d].name),
        None => "dictator: none".into(),
    });
    let dummies: Vec<&str> = a
        .dummies
        .iter()
        .map(|&d| members[d].name.as_str())
        .collect();
    let proven = if a.scaling.is_exact() { "" } else { " proven" };
    notes.push(if dummies.is_empty() {
        format!("dummies:{proven} none")
    } else {
        format!(
            "dummies{proven} ({}): {}",
            dummies.len(),
            dummies.join(", ")
        )
    });
    if !a.unresolved.is_empty() {
        notes.push(format!(
            "{} members weigh less than the rounding unit ({}): the rounded game gives them no power, the exact game may give them some (a larger --max-cells resolves them)",
            a.unresolved.len(),
            a.scaling.unit
        ));
    }
    notes.push(format!(
        "share of all coalitions that pass (power to act): {}",
        pct(a.p_win)
    ));
    notes.extend(scaling_note(a));
    notes
}

/// One rule book in detail: every member's shares and indices, with notes.
fn detail(district: &str, a: &Assessment, rules: &AssemblyRules, members: &[Member]) -> Table {
    let mut t = titled(
        format!("{district}: {} — {} ({})", a.rules, a.decision, a.quota),
        &[
            "comune",
            "population",
            "pop share",
            "vote share",
            "Banzhaf",
            "Shapley-Shubik",
            "Banzhaf / pop share",
        ],
    );
    for m in &a.members {
        t.push(vec![
            m.name.clone(),
            m.population.to_string(),
            pct(m.population_share),
            pct(m.vote_share),
            pct(m.banzhaf),
            m.shapley_shubik.map(pct).unwrap_or_else(|| "-".into()),
            if m.population_share > 0.0 {
                format!("{:.2}", m.banzhaf / m.population_share)
            } else {
                "-".into()
            },
        ]);
    }
    for n in summary_notes(a, members) {
        t.note(n);
    }
    if let Some(p) = &rules.president {
        t.note(match p {
            PresidentRule::Largest => format!("president: the largest member ({}) presides", a.largest.name),
            PresidentRule::Rotation { term_years } => format!(
                "president: rotation, each of the {} members presides one {term_years}-year term every {} years",
                members.len(),
                members.len() as u64 * *term_years as u64
            ),
            PresidentRule::Election(r) => format!(
                "president: elected ({}); its power table: --matter president",
                r.summary()
            ),
        });
    }
    if !rules.matters.is_empty() {
        let names: Vec<String> = rules
            .matters
            .iter()
            .map(|m| format!("{} ({})", m.name, m.summary()))
            .collect();
        t.note(format!(
            "other matters (--matter NAME): {}",
            names.join("; ")
        ));
    }
    t
}

/// Several rule books side by side: the largest member under each, then the Banzhaf power of
/// the `top` largest members (0 = all).
fn comparison(district: &str, all: &[&Assessment], top: usize) -> [Table; 2] {
    let mut t = titled(
        format!(
            "{district}: rules compared (largest member: {})",
            all[0].largest.name
        ),
        &[
            "rules",
            "quota",
            "largest: pop share",
            "largest: Banzhaf",
            "largest: Shapley-Shubik",
            "decisive in",
            "blocks alone",
            "min blocking",
            "dummies",
            "power to act",
        ],
    );
    for a in all {
        let l = &a.largest;
        let m = &a.members[l.index];
        t.push(vec![
            a.rules.clone(),
            a.quota.clone(),
            pct(m.population_share),
            pct(m.banzhaf),
            m.shapley_shubik.map(pct).unwrap_or_else(|| "-".into()),
            pct(l.decisive_share),
            if l.blocks_everything { "yes" } else { "no" }.into(),
            l.smallest_blocking_coalition.to_string(),
            a.dummies.len().to_string(),
            pct(a.p_win),
        ]);
        if let Some(n) = scaling_note(a) {
            t.note(format!("{}: {n}", a.rules));
        }
    }
    let n = all[0].members.len();
    let shown = if top == 0 { n } else { top.min(n) };
    let mut headers = vec!["comune".to_string(), "pop share".to_string()];
    headers.extend(all.iter().map(|a| a.rules.clone()));
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut m = titled(
        format!("{district}: Banzhaf power by member ({shown} largest of {n})"),
        &header_refs,
    );
    for i in 0..shown {
        let mut row = vec![
            all[0].members[i].name.clone(),
            pct(all[0].members[i].population_share),
        ];
        row.extend(all.iter().map(|a| pct(a.members[i].banzhaf)));
        m.push(row);
    }
    [t, m]
}

/// The fifteen rules of a search closest to its target.
fn search(district: &str, c: &[Candidate], target: Target) -> Table {
    let name = match target {
        Target::Population => "population share",
        Target::SqrtPopulation => "square root of population",
        Target::Equal => "equal power",
    };
    let mut t = titled(
        format!("{district}: rules closest to {name} (Banzhaf), best first"),
        &[
            "exponent",
            "quota",
            "cap",
            "distance",
            "max gap",
            "largest",
            "smallest",
            "power to act",
        ],
    );
    for x in c.iter().take(15) {
        t.push(vec![
            format!("{:.2}", x.exponent),
            quota_text(&x.quota),
            x.cap
                .map(|s| pct(s.as_f64()))
                .unwrap_or_else(|| "none".into()),
            format!("{:.4}", x.distance),
            pct(x.max_gap),
            pct(x.largest_power),
            pct(x.smallest_power),
            pct(x.p_win),
        ]);
    }
    t.note(format!(
        "{} rules evaluated; distance = Euclidean distance between Banzhaf power and the target; power to act = share of coalitions that pass (the trade-off: higher quotas protect members but act less often)",
        c.len()
    ));
    t
}

/// Each member's contribution to a shared cost, and its change from what it pays today.
fn budget(district: &str, b: &Budget) -> Table {
    let method = match b.allocation {
        Allocation::Population => "by population".to_string(),
        Allocation::ServiceUse => "by service use".to_string(),
        Allocation::Blend { population_weight } => {
            format!(
                "blend {:.0}% population / {:.0}% service use",
                population_weight * 100.0,
                (1.0 - population_weight) * 100.0
            )
        }
        Allocation::FloorPerMember { floor } => {
            format!("EUR {floor:.2} per comune, the rest by population")
        }
    };
    let mut t = titled(
        format!(
            "{district}: shared cost EUR {:.2}, incentive EUR {:.2}, net EUR {:.2}, split {method}",
            b.cost, b.incentive, b.net_cost
        ),
        &[
            "comune",
            "share",
            "contribution EUR",
            "pays today EUR",
            "change EUR",
        ],
    );
    for l in &b.lines {
        t.push(vec![
            l.name.clone(),
            pct(l.share),
            format!("{:.2}", l.contribution),
            l.pays_today
                .map(|x| format!("{x:.2}"))
                .unwrap_or_else(|| "-".into()),
            l.change
                .map(|x| format!("{x:+.2}"))
                .unwrap_or_else(|| "-".into()),
        ]);
    }
    t
}

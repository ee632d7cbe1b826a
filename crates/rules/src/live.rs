//! Incremental audit for live validation: the audit of a map kept between edits, so that an
//! edit re-audits only the districts it touches.
//!
//! On France (1,259 EPCI over 34,970 communes) a whole audit costs far more than the 50 ms a
//! live validation may take; moving one commune changes two districts. [`LiveAudit`] keeps
//! every district's members, totals and audit row; [`LiveAudit::apply`] moves municipalities
//! and recomputes the rows of the districts they left or joined, with the same functions
//! [`crate::audit::audit_with`] uses, so [`LiveAudit::audit`] is always equal to
//! `audit_with` on the edited map (tested on seeded random edits).
//!
//! ```
//! # use ambit_rules::live::LiveAudit;
//! # fn demo(ds: &ambit_territory::Dataset, policy: &ambit_rules::CompiledPolicy,
//! #         map: &ambit_territory::DistrictMap) {
//! let mut live = LiveAudit::new(&ds.territory, &ds.graph, policy, map);
//! let delta = live.apply(&ds.territory, &ds.graph, policy, &[(0, Some("North".into()))]);
//! for name in &delta.changed {
//!     let row = live.district(name);
//! #   let _ = row;
//! }
//! # }
//! ```

use crate::audit::{
    assemble, closing_mergers, district_row, region_summary, row_order, Audit, DistrictAudit,
    MergeOption, MergerSearch, RegionSummary,
};
use crate::compile::CompiledPolicy;
use ambit_territory::{ContiguityGraph, DistrictMap, Territory};
use std::collections::{BTreeSet, HashMap};

/// The audit of a district map, kept up to date edit by edit.
#[derive(Debug, Clone)]
pub struct LiveAudit {
    /// District of each municipality (an index into `names`).
    district_of: Vec<Option<u32>>,
    names: Vec<String>,
    ids: HashMap<String, u32>,
    members: Vec<BTreeSet<usize>>,
    totals: Vec<Vec<f64>>,
    rows: Vec<Option<DistrictAudit>>,
    source: Option<String>,
}

/// What an edit changed: the districts whose audit row changed (new ones included) and the
/// districts that no longer exist.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveDelta {
    /// Districts re-audited (their rows in [`LiveAudit::district`]).
    pub changed: Vec<String>,
    /// Districts left without members.
    pub removed: Vec<String>,
}

impl LiveAudit {
    /// Audits `map` whole (no closing mergers) and keeps what later edits need.
    pub fn new(
        territory: &Territory,
        graph: &ContiguityGraph,
        policy: &CompiledPolicy,
        map: &DistrictMap,
    ) -> Self {
        let ms = territory.municipalities();
        let mut live = LiveAudit {
            district_of: vec![None; ms.len()],
            names: Vec::new(),
            ids: HashMap::new(),
            members: Vec::new(),
            totals: Vec::new(),
            rows: Vec::new(),
            source: map.source.as_ref().map(|p| p.display().to_string()),
        };
        for (i, m) in ms.iter().enumerate() {
            if let Some(d) = map.district_of(&m.code) {
                let id = live.id_of(d);
                live.district_of[i] = Some(id);
                live.members[id as usize].insert(i);
            }
        }
        for id in 0..live.names.len() {
            live.refresh(territory, graph, policy, id);
        }
        live
    }

    fn id_of(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), id);
        self.members.push(BTreeSet::new());
        self.totals.push(Vec::new());
        self.rows.push(None);
        id
    }

    /// Recomputes district `id`'s totals and row from its members (in territory order, as
    /// `audit_with` sums them: the same floating-point sums).
    fn refresh(
        &mut self,
        territory: &Territory,
        graph: &ContiguityGraph,
        policy: &CompiledPolicy,
        id: usize,
    ) {
        let idx: Vec<usize> = self.members[id].iter().copied().collect();
        if idx.is_empty() {
            self.totals[id] = Vec::new();
            self.rows[id] = None;
            return;
        }
        let t = policy.totals_of(idx.iter().copied());
        self.rows[id] = Some(district_row(
            territory,
            graph,
            policy,
            &self.names[id],
            &idx,
            &t,
        ));
        self.totals[id] = t;
    }

    /// Moves municipalities (territory index -> new district, `None`: no district) and
    /// re-audits the districts they left or joined. Indices out of range are ignored (the
    /// caller checks codes).
    pub fn apply(
        &mut self,
        territory: &Territory,
        graph: &ContiguityGraph,
        policy: &CompiledPolicy,
        moves: &[(usize, Option<String>)],
    ) -> LiveDelta {
        let mut touched: BTreeSet<u32> = BTreeSet::new();
        for (i, to) in moves {
            let i = *i;
            if i >= self.district_of.len() {
                continue;
            }
            let to = to.as_deref().map(|d| self.id_of(d));
            let from = self.district_of[i];
            if from == to {
                continue;
            }
            if let Some(f) = from {
                self.members[f as usize].remove(&i);
                touched.insert(f);
            }
            if let Some(t) = to {
                self.members[t as usize].insert(i);
                touched.insert(t);
            }
            self.district_of[i] = to;
        }
        let mut delta = LiveDelta::default();
        for id in touched {
            let id = id as usize;
            self.refresh(territory, graph, policy, id);
            if self.rows[id].is_some() {
                delta.changed.push(self.names[id].clone());
            } else {
                delta.removed.push(self.names[id].clone());
            }
        }
        delta
    }

    /// The current audit row of a district (without closing mergers), if it has members.
    pub fn district(&self, name: &str) -> Option<&DistrictAudit> {
        self.ids
            .get(name)
            .and_then(|&id| self.rows[id as usize].as_ref())
    }

    /// The summed per-municipality totals of a district (as `CompiledPolicy::totals_of`), if it
    /// has members.
    pub fn totals(&self, name: &str) -> Option<&[f64]> {
        self.ids
            .get(name)
            .map(|&id| self.totals[id as usize].as_slice())
            .filter(|t| !t.is_empty())
    }

    /// The district of municipality `i`, if any.
    pub fn district_of(&self, i: usize) -> Option<&str> {
        self.district_of
            .get(i)
            .copied()
            .flatten()
            .map(|id| self.names[id as usize].as_str())
    }

    /// The adjacent districts whose merger with `name` would comply (as the audit's
    /// `closing_mergers`; empty for a compliant or unknown district).
    pub fn closing_mergers(
        &self,
        graph: &ContiguityGraph,
        policy: &CompiledPolicy,
        name: &str,
    ) -> Vec<MergeOption> {
        let Some(&id) = self.ids.get(name) else {
            return Vec::new();
        };
        let compliant = self.rows[id as usize].as_ref().is_none_or(|r| r.compliant);
        if compliant {
            return Vec::new();
        }
        let idx: Vec<usize> = self.members[id as usize].iter().copied().collect();
        closing_mergers(
            name,
            &idx,
            graph,
            |j| self.district_of(j),
            |d| {
                self.ids
                    .get(d)
                    .map(|&k| self.totals[k as usize].as_slice())
                    .filter(|t| !t.is_empty())
            },
            policy,
        )
    }

    /// Region-wide figures of the current map (as the audit's `summary`).
    pub fn summary(&self, territory: &Territory, policy: &CompiledPolicy) -> RegionSummary {
        let unassigned: Vec<usize> = (0..self.district_of.len())
            .filter(|&i| self.district_of[i].is_none())
            .collect();
        region_summary(territory, policy, self.rows.iter().flatten(), &unassigned)
    }

    /// The whole audit of the current map, equal to `audit_with` on it with `mergers`.
    pub fn audit(
        &self,
        territory: &Territory,
        graph: &ContiguityGraph,
        policy: &CompiledPolicy,
        mergers: MergerSearch,
    ) -> Audit {
        let mut rows: Vec<DistrictAudit> = self.rows.iter().flatten().cloned().collect();
        for r in &mut rows {
            if !r.compliant && mergers.includes(&r.name) {
                r.closing_mergers = self.closing_mergers(graph, policy, &r.name);
            }
        }
        rows.sort_by(row_order);
        let district_of: Vec<Option<&str>> = (0..self.district_of.len())
            .map(|i| self.district_of(i))
            .collect();
        assemble(
            territory,
            policy,
            Some(self.source.clone()),
            rows,
            &district_of,
            mergers,
        )
    }
}

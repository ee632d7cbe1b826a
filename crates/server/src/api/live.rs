//! Live validation by deltas (`POST /api/audit/live`): the server keeps each page's last audit
//! ([`ambit_rules::live::LiveAudit`]) so that an edit sends only the municipalities it moved and
//! receives only the districts it changed. On France a whole audit is about 200 ms and 2 MB of
//! JSON each way; a delta re-audits two districts.

use super::audit::{unique_codes_opt, Assignment};
use super::blocking;
use crate::error::Body;
use crate::{ApiError, Region, Studio};
use ambit_rules::audit::MergerSearch;
use ambit_rules::live::LiveAudit;
use ambit_rules::CompiledPolicy;
use ambit_territory::MunicipalityCode;
use axum::extract::State;
use axum::Json;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Live sessions kept at most (the least recently used goes first): each holds a map's audit,
/// about 10 MB on France.
pub const MAX_SESSIONS: usize = 16;

/// One page's live audit.
pub struct Session {
    live: LiveAudit,
    seq: u64,
    policy_text: String,
    /// The scenario's own rules, compiled (None: the region's).
    own_policy: Option<CompiledPolicy>,
    used: Instant,
}

/// The live sessions of the studio.
#[derive(Default)]
pub struct LiveSessions {
    next: AtomicU64,
    sessions: Mutex<HashMap<u64, Session>>,
}

impl LiveSessions {
    fn take(&self, id: u64) -> Option<Session> {
        self.lock().remove(&id)
    }

    fn put(&self, id: u64, mut s: Session) {
        s.used = Instant::now();
        let mut all = self.lock();
        while all.len() >= MAX_SESSIONS {
            let Some(oldest) = all.iter().min_by_key(|(_, s)| s.used).map(|(k, _)| *k) else {
                break;
            };
            all.remove(&oldest);
        }
        all.insert(id, s);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Session>> {
        // A poisoned lock only means a handler panicked; the sessions are whole values.
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Changes of one edit: code -> new district (`null`: no district), duplicates refused.
fn unique_changes<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<MunicipalityCode, Option<String>>, D::Error> {
    struct Changes;
    impl<'de> Visitor<'de> for Changes {
        type Value = BTreeMap<MunicipalityCode, Option<String>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object of municipality code -> district name or null")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((code, d)) = m.next_entry::<MunicipalityCode, Option<String>>()? {
                if out.contains_key(&code) {
                    return Err(serde::de::Error::custom(format!(
                        "municipality code {code} is given twice"
                    )));
                }
                out.insert(code, d);
            }
            Ok(out)
        }
    }
    d.deserialize_map(Changes)
}

/// Body of `POST /api/audit/live`.
#[derive(Deserialize)]
pub struct LiveRequest {
    /// The session to continue (absent: start one).
    #[serde(default)]
    session: Option<u64>,
    /// The sequence number of the session's last answer the page has applied.
    #[serde(default)]
    base: Option<u64>,
    /// The whole map: starts (or restarts) a session.
    #[serde(default, deserialize_with = "unique_codes_opt")]
    assignment: Option<Assignment>,
    /// The edit: municipalities moved since `base` (code -> district, `null`: none).
    #[serde(default, deserialize_with = "unique_changes")]
    changes: BTreeMap<MunicipalityCode, Option<String>>,
    /// Rules (policy TOML text); empty: the region's. A session keeps the rules it started with.
    #[serde(default)]
    policy: String,
    /// `"skip"` (default) or `{"district": NAME}`: that district's closing mergers.
    #[serde(default = "skip")]
    closing_mergers: MergerSearch,
}

fn skip() -> MergerSearch {
    MergerSearch::Skip
}

/// `POST /api/audit/live`: with `assignment`, starts a session and answers the whole audit (as
/// `POST /api/audit`) with `session` and `seq`; with `session`, `base` and `changes`, applies
/// the edit and answers `summary`, the rows of the districts it `changed` (with
/// `class_in_words`, and the closing mergers of the district named in `closing_mergers`) and
/// those `removed`. 409 when the session is unknown, expired or not at `base`, or its rules
/// differ: the page then sends the whole map again.
pub async fn live(
    State(studio): State<Arc<Studio>>,
    Body(req): Body<LiveRequest>,
) -> Result<Json<Value>, ApiError> {
    blocking(&studio, move |s| {
        let region = &s.region;
        if let Some(assignment) = req.assignment {
            let map = super::audit::to_map(region, &assignment)?;
            let policy = region.policy_for(&req.policy)?;
            let live = LiveAudit::new(
                &region.dataset.territory,
                &region.dataset.graph,
                &policy,
                &map,
            );
            let audit = live.audit(
                &region.dataset.territory,
                &region.dataset.graph,
                &policy,
                req.closing_mergers,
            );
            let mut v = super::audit::with_reasons_in_words(region, &policy, &map, &audit);
            let own_policy = match policy {
                std::borrow::Cow::Owned(p) => Some(p),
                std::borrow::Cow::Borrowed(_) => None,
            };
            let id = req
                .session
                .unwrap_or_else(|| s.live.next.fetch_add(1, Ordering::Relaxed) + 1);
            s.live.put(
                id,
                Session {
                    live,
                    seq: 0,
                    policy_text: req.policy,
                    own_policy,
                    used: Instant::now(),
                },
            );
            v["session"] = json!(id);
            v["seq"] = json!(0);
            v["full"] = json!(true);
            return Ok(Json(v));
        }
        let Some(id) = req.session else {
            return Err(ApiError::BadRequest(
                "give `assignment` (the whole map) to start a live session, or `session`, `base` and `changes`".into(),
            ));
        };
        let mut session = s.live.take(id).ok_or_else(|| out_of_step(id, "unknown or expired"))?;
        if req.base != Some(session.seq) || req.policy != session.policy_text {
            let why = if req.policy != session.policy_text {
                "its rules differ from the request's".to_string()
            } else {
                format!("it is at {}, the request at {:?}", session.seq, req.base)
            };
            s.live.put(id, session);
            return Err(out_of_step(id, &why));
        }
        let answer = apply(region, &mut session, &req.changes, &req.closing_mergers);
        match answer {
            Ok(mut v) => {
                session.seq += 1;
                v["session"] = json!(id);
                v["seq"] = json!(session.seq);
                s.live.put(id, session);
                Ok(Json(v))
            }
            Err(e) => {
                s.live.put(id, session);
                Err(e)
            }
        }
    })
    .await
}

fn out_of_step(id: u64, why: &str) -> ApiError {
    ApiError::Conflict {
        message: format!("live session {id} is out of step ({why}): send the whole assignment"),
        details: json!({ "session": id }),
    }
}

/// Applies one edit to a session; the delta as JSON.
fn apply(
    region: &Region,
    session: &mut Session,
    changes: &BTreeMap<MunicipalityCode, Option<String>>,
    mergers: &MergerSearch,
) -> Result<Value, ApiError> {
    let mut problems = Vec::new();
    let mut moves = Vec::with_capacity(changes.len());
    for (code, d) in changes {
        match (region.index_of(code), d) {
            (None, _) => problems.push(format!("code {code} is not a municipality of this region")),
            (Some(_), Some(d)) if d.trim().is_empty() => {
                problems.push(format!("code {code}: empty district name"))
            }
            (Some(i), d) => moves.push((i, d.as_ref().map(|d| d.trim().to_string()))),
        }
    }
    if !problems.is_empty() {
        let n = problems.len();
        problems.truncate(20);
        return Err(ApiError::Unprocessable {
            message: format!("{n} problems in the changes: {}", problems.join("; ")),
            details: json!({ "problems": problems }),
        });
    }
    let policy = session.own_policy.as_ref().unwrap_or(&region.policy);
    let (t, g) = (&region.dataset.territory, &region.dataset.graph);
    let delta = session.live.apply(t, g, policy, &moves);
    let mut names = delta.changed.clone();
    if let MergerSearch::District(d) = mergers {
        if !names.contains(d) && session.live.district(d).is_some() {
            names.push(d.clone());
        }
    }
    let changed: Vec<Value> = names
        .iter()
        .filter_map(|name| {
            let row = session.live.district(name)?;
            let mut v = serde_json::to_value(row).ok()?;
            if mergers.includes(name) {
                v["closing_mergers"] = json!(session.live.closing_mergers(g, policy, name));
            }
            if let Some(totals) = session.live.totals(name) {
                v["class_in_words"] = json!(ambit_rules::describe::district_reason(policy, totals));
            }
            Some(v)
        })
        .collect();
    Ok(json!({
        "full": false,
        "summary": session.live.summary(t, policy),
        "changed": changed,
        "removed": delta.removed,
        "merger_search": mergers,
    }))
}

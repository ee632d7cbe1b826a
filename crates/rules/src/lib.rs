//! A reform's rules as data: district classes, thresholds, incentives; and the audit of
//! districts against them.
//!
//! A [`PolicyFile`] (TOML) lists district classes in order, each with a condition on the
//! district's members written in a small expression language ([`expr`]) and a population
//! threshold; [`CompiledPolicy`] turns it, for one territory, into additive per-municipality
//! totals so that any district's class follows from the sum of its members' totals.
//!
//! ```
//! use ambit_rules::{CompiledPolicy, PolicyFile};
//! use ambit_territory::{table::Table, MunicipalityColumns, Territory};
//!
//! let csv = "code,name,population,area,zone\n1,A,20000,100,T\n2,B,10000,50,NM\n";
//! let cols = MunicipalityColumns { area_km2: Some("area".into()), ..Default::default() };
//! let t = Territory::from_table(Table::parse("m.csv".as_ref(), csv.as_bytes()).unwrap(), &cols).unwrap();
//! let policy = PolicyFile::parse("p.toml".as_ref(), r#"
//!     name = "example"
//!     [[classes]]
//!     name = "mountain"
//!     when = "pop_share(zone == 'T') > 0.5"
//!     min_population = 25000
//!     strict = true
//!     [[classes]]
//!     name = "standard"
//!     min_population = 80000
//!     strict = true
//! "#.to_string()).unwrap();
//! let p = CompiledPolicy::compile(policy, &t).unwrap();
//! let both = p.totals_of([0, 1]);
//! let c = p.classify(&both);
//! assert_eq!(c.class, "mountain");
//! assert!(c.requirement.is_met_by(both[0])); // 30,000 > 25,000
//! ```

// Errors name file, line, field and value; they are built once on a cold path, so their size
// does not matter.
#![allow(clippy::result_large_err)]

pub mod audit;
pub mod compile;
pub mod describe;
pub mod expr;
pub mod live;
pub mod policy;

pub use audit::{audit, Audit, DistrictAudit, RegionSummary};
pub use compile::{Classification, CompiledPolicy, Requirement, Verdict};
pub use policy::{is_iso_date, Exemption, Incentive, Policy, PolicyError, PolicyFile, Threshold};

/// A whole number with thousands separators (`80,000`); other numbers as given.
pub fn format_count(v: f64) -> String {
    if !v.is_finite() || v.fract() != 0.0 {
        return format!("{v}");
    }
    let s = format!("{}", v.abs() as u64);
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if v < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

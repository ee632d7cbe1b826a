//! The members of a district and their budget inputs, read from a region's data folder
//! (feature `dataset`): the assembly of `ambit govern` is the district's municipalities with
//! their populations, largest first.

use crate::{BudgetInput, Member};
use ambit_territory::table::Table;
use ambit_territory::{DataError, Dataset, DistrictMap};

/// Why a district's members or budget inputs could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MembersError {
    /// A file of the data folder, the map or the budget table is wrong (file, line, field, value).
    #[error(transparent)]
    Data(#[from] DataError),
    /// The map has no district of that name.
    #[error("no district named {district:?} in the map; its districts: {known}")]
    UnknownDistrict {
        /// The name asked for.
        district: String,
        /// The map's districts, comma-separated.
        known: String,
    },
    /// The map assigns a code the territory does not have.
    #[error("municipality {0} of the map is not in the territory")]
    NotInTerritory(String),
}

/// The members of `district` (its name, any case) in the district map `map` of the data
/// folder's territory: the municipalities it assigns there, largest first.
pub fn district_members(
    dataset: &Dataset,
    map: &DistrictMap,
    district: &str,
) -> Result<Vec<Member>, MembersError> {
    let districts = map.districts();
    let Some((_, codes)) = districts
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(district.trim()))
    else {
        let known: Vec<&str> = districts.keys().copied().collect();
        return Err(MembersError::UnknownDistrict {
            district: district.to_string(),
            known: known.join(", "),
        });
    };
    let mut members = Vec::with_capacity(codes.len());
    for code in codes {
        let m = (dataset.territory.get(code))
            .ok_or_else(|| MembersError::NotInTerritory(code.to_string()))?;
        members.push(Member::new(code.to_string(), m.name.clone(), m.population));
    }
    members.sort_by(|a, b| b.population.cmp(&a.population).then(a.code.cmp(&b.code)));
    Ok(members)
}

/// The budget inputs of `members` from a table with `istat_code` (or `code`) and optional
/// `service_use`, `pays_today` columns, read by the one table reader
/// (`ambit_territory::table::Table::read`: BOM, Latin-1 and semicolons repaired with notices);
/// rows of municipalities of other districts are skipped, as one file may serve several
/// districts.
pub fn budget_inputs(table: &Table, members: &[Member]) -> Result<Vec<BudgetInput>, DataError> {
    let c_code = match table.optional_column("istat_code") {
        Some(c) => c,
        None => table.column("code")?,
    };
    let (c_use, c_pay) = (
        table.optional_column("service_use"),
        table.optional_column("pays_today"),
    );
    let mut out = vec![BudgetInput::default(); members.len()];
    for rec in &table.records {
        let code = rec.fields[c_code].trim();
        let Some(m) = members.iter().position(|m| m.code == code) else {
            continue;
        };
        let num = |col: Option<usize>| -> Result<Option<f64>, DataError> {
            let Some(c) = col else { return Ok(None) };
            let v = rec.fields[c].trim();
            if v.is_empty() {
                return Ok(None);
            }
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Ok(Some(x)),
                _ => Err(table.field_error(rec, c, "expected a non-negative number")),
            }
        };
        out[m] = BudgetInput {
            service_use: num(c_use)?,
            pays_today: num(c_pay)?,
        };
    }
    Ok(out)
}

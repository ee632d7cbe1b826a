//! Times the stages of a parsimonious analysis on one CSV file (used by `bench/qca/run.sh`).
//!
//! Usage: `cargo run --release -p ambit-qca --example qca_timing -- DATA.csv OUTCOME [all|first|primes] [SECONDS]`
//! (`all`: every minimal model only; otherwise the first minimal model only).
//! Prints one JSON line: conditions, rows, prime implicants, models and seconds per stage.

use ambit_qca::{
    minimize_with, Budget, ChartScope, DataMatrix, MinParams, ModelSearch, TruthTable, TtParams,
};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), Some(outcome)) = (args.get(1), args.get(2)) else {
        return Err("usage: qca_timing DATA.csv OUTCOME [all]".into());
    };
    let want_all = args.get(3).is_some_and(|a| a == "all");
    let data = DataMatrix::from_csv_path(path)?;
    let reps = 5;
    let t0 = Instant::now();
    let mut tt = TruthTable::build(&data, &TtParams::new(outcome.as_str()))?;
    for _ in 1..reps {
        tt = TruthTable::build(&data, &TtParams::new(outcome.as_str()))?;
    }
    let tt_s = t0.elapsed().as_secs_f64() / f64::from(reps);
    if args.get(3).is_some_and(|a| a == "primes") {
        let on: Vec<Vec<u8>> = tt
            .rows_with(ambit_qca::Out::One)
            .map(|r| r.values.clone())
            .collect();
        let off: Vec<Vec<u8>> = tt
            .observed_rows
            .iter()
            .filter(|r| r.out != ambit_qca::Out::One)
            .map(|r| r.values.clone())
            .collect();
        let t = Instant::now();
        let p = ambit_qca::prime::primes_with_remainders(&on, &off, tt.conditions.len());
        println!(
            "{{\"on\":{},\"off\":{},\"primes\":{},\"seconds\":{:.6}}}",
            on.len(),
            off.len(),
            p.len(),
            t.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    // Optional time limit (seconds) as the 5th argument: the run then reports its certificate.
    let limit = args.get(4).and_then(|t| t.parse::<f64>().ok());
    let budget = || Budget {
        deadline: limit.map(|t| Instant::now() + std::time::Duration::from_secs_f64(t)),
        ..Budget::default()
    };
    let mut line = format!(
        "{{\"file\":\"{path}\",\"conditions\":{},\"observed_rows\":{},\"tt_seconds\":{tt_s:.6}",
        tt.conditions.len(),
        tt.observed_rows.len(),
    );
    // `all` runs only the all-models search, so that each process's peak memory is its own.
    if !want_all {
        let first = MinParams {
            include_remainders: true,
            search: ModelSearch::FirstMinimal,
            ..MinParams::default()
        };
        let t1 = Instant::now();
        let sol = minimize_with(&tt, &first, ChartScope::Auto, &budget())?;
        line.push_str(&format!(
            ",\"first_chart_implicants\":{},\"first_model_size\":{},\"first_model_seconds\":{:.6},\"first_certificate\":{}",
            sol.pi_chart.len(),
            sol.models[0].len(),
            t1.elapsed().as_secs_f64(),
            serde_json::to_string(&sol.certificate)?
        ));
    }
    if want_all {
        let all = MinParams {
            include_remainders: true,
            ..MinParams::default()
        };
        let t2 = Instant::now();
        let sol = minimize_with(&tt, &all, ChartScope::Auto, &budget())?;
        line.push_str(&format!(
            ",\"prime_implicants\":{},\"all_models\":{},\"all_models_seconds\":{:.6},\"certificate\":{}",
            sol.pi_chart.len(),
            sol.models.len(),
            t2.elapsed().as_secs_f64(),
            serde_json::to_string(&sol.certificate)?
        ));
    }
    line.push('}');
    println!("{line}");
    Ok(())
}

//! Robustness sweeps on a table small enough to work out by hand.

use ambit_qca::calibrate::LogOdds;
use ambit_qca::robust::{robustness, RobustParams};
use ambit_qca::{DataMatrix, MinParams, TtParams};

/// Rows (A, B): 11 three cases all in Y; 10 two cases, one in Y (incl 0.5); 01 one case in Y;
/// 00 two cases out of Y.
const DATA: &str = "case,A,B,Y\n\
a1,1,1,1\na2,1,1,1\na3,1,1,1\n\
b1,1,0,1\nb2,1,0,0\n\
c1,0,1,1\n\
d1,0,0,0\nd2,0,0,0\n";

#[test]
fn sweeps_report_stable_ranges_surviving_terms_and_flipping_cases() {
    let data = DataMatrix::from_csv_reader("robust.csv", DATA.as_bytes()).unwrap();
    let mut tt = TtParams::new("Y");
    tt.conditions = vec!["A".into(), "B".into()];
    let params = RobustParams {
        tt,
        min: MinParams {
            include_remainders: true,
            ..MinParams::default()
        },
        incl_cuts: vec![0.4, 0.5, 0.8, 1.0],
        n_cuts: vec![1, 2, 3],
        calibrations: Vec::new(),
        log_odds: LogOdds::QcaDefault,
        max_grid: 100,
    };
    let r = robustness(&data, &params).unwrap();
    // Base (incl 1, n 1): positive 11 and 01, negative 10 and 00 -> B.
    assert_eq!(r.base_solution, "B");
    // incl.cut 0.4 and 0.5 make row 10 positive -> A + B; 0.8 and 1 keep B.
    let incl = &r.ranges[0];
    let sols: Vec<&str> = incl.points.iter().map(|p| p.solution.as_str()).collect();
    assert_eq!(sols, vec!["A + B", "A + B", "B", "B"]);
    assert_eq!((incl.stable_from, incl.stable_to), (0.8, 1.0));
    // n.cut 2 turns row 01 into a remainder (B still explains 11); n.cut 3 leaves only row 11,
    // with nothing to distinguish it from: no solution.
    let n = &r.ranges[1];
    assert_eq!(n.points[0].solution, "B");
    assert_eq!(n.points[1].solution, "B");
    assert!(n.points[2].solution.starts_with("no solution"));
    assert_eq!((n.stable_from, n.stable_to), (1.0, 2.0));
    // Grid of 12: n.cut 3 gives no solution at 4 points; of the 8 others, B is in 6 (n.cut 1: all
    // four; n.cut 2: incl 0.8 and 1) and A in 4 (incl 0.4 and 0.5 at n.cut 1 (A + B) and 2 (A)).
    assert_eq!((r.grid_points, r.no_solution), (12, 4));
    assert_eq!(r.terms.len(), 2);
    assert_eq!(
        (
            r.terms[0].term.as_str(),
            r.terms[0].in_base,
            r.terms[0].points
        ),
        ("B", true, 6)
    );
    assert!((r.terms[0].share - 0.75).abs() < 1e-12);
    assert_eq!(
        (
            r.terms[1].term.as_str(),
            r.terms[1].in_base,
            r.terms[1].points
        ),
        ("A", false, 4)
    );
    // b1 and b2 (row 10) enter the solution wherever A is in it (4 points); c1 (row 01) leaves it
    // where the solution is A alone (2 points).
    let flips: Vec<(&str, bool, usize)> = r
        .flips
        .iter()
        .map(|f| (f.case.as_str(), f.in_base, f.flipped))
        .collect();
    assert_eq!(
        flips,
        vec![("b1", false, 4), ("b2", false, 4), ("c1", true, 2)]
    );
    // A grid larger than allowed is refused up front.
    let small = RobustParams {
        max_grid: 10,
        ..params
    };
    assert!(robustness(&data, &small).is_err());
}

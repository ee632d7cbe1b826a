//! Invariants: bounds hold every completion of the unknowns; printing and parsing an expression
//! keeps its meaning; a matrix never loses a case silently.

use ambit_cases::matrix::{ConditionSpec, Matrix, MatrixSpec, Scale, UnknownPolicy};
use ambit_cases::{Bounds, CaseTable, Expr, Membership};
use proptest::prelude::*;

const VARS: [&str; 4] = ["A", "B", "C", "D"];

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = (0..VARS.len()).prop_map(|i| Expr::Var(VARS[i].to_string()));
    leaf.prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| Expr::Not(Box::new(e))),
            prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::And),
            prop::collection::vec(inner, 2..4).prop_map(Expr::Or),
        ]
    })
}

fn lookup(values: &[f64]) -> impl Fn(&str) -> Option<Bounds> + '_ {
    move |n: &str| {
        let i = VARS.iter().position(|v| *v == n)?;
        Membership::new(values[i]).map(Bounds::point)
    }
}

proptest! {
    #[test]
    fn bounds_contain_every_completion(
        e in expr(),
        known in prop::collection::vec(0.0f64..=1.0, 4),
        unknown in prop::collection::vec(any::<bool>(), 4),
        completion in prop::collection::vec(0.0f64..=1.0, 4),
    ) {
        let with_unknowns = |n: &str| {
            let i = VARS.iter().position(|v| *v == n)?;
            if unknown[i] { Some(Bounds::UNKNOWN) } else { Membership::new(known[i]).map(Bounds::point) }
        };
        let b = e.eval(&with_unknowns).unwrap();
        let filled: Vec<f64> = (0..4).map(|i| if unknown[i] { completion[i] } else { known[i] }).collect();
        let v = e.eval(&lookup(&filled)).unwrap();
        prop_assert!(v.is_known());
        prop_assert!(b.low <= v.low + 1e-12 && v.low <= b.high + 1e-12, "{} not in {}", v.low, b);
        prop_assert!((0.0..=1.0).contains(&b.low) && b.low <= b.high && b.high <= 1.0);
    }

    #[test]
    fn printing_and_parsing_keep_the_meaning(
        e in expr(),
        values in prop::collection::vec(0.0f64..=1.0, 4),
    ) {
        let text = e.to_string();
        let back = Expr::parse(&text).unwrap();
        let a = e.eval(&lookup(&values)).unwrap();
        let b = back.eval(&lookup(&values)).unwrap();
        prop_assert_eq!(a, b, "{}", text);
        prop_assert_eq!(back.to_string(), text);
    }

    #[test]
    fn a_matrix_keeps_or_names_every_case(
        rows in prop::collection::vec(prop::collection::vec(prop::option::of(0u8..=1), 3), 1..12),
        refuse in any::<bool>(),
    ) {
        let mut csv = String::from("case,X,Y,OUT\n");
        for (i, r) in rows.iter().enumerate() {
            let cells: Vec<String> = r.iter().map(|c| c.map_or(String::new(), |v| v.to_string())).collect();
            csv.push_str(&format!("c{i},{}\n", cells.join(",")));
        }
        let table = CaseTable::from_csv(&csv, "p.csv").unwrap();
        let spec = MatrixSpec {
            conditions: vec!["X".parse().unwrap(), "Y".parse().unwrap()],
            outcome: Some(ConditionSpec { name: "OUT".into(), at_least: None }),
            scale: Scale::Crisp,
            unknowns: if refuse { UnknownPolicy::Refuse } else { UnknownPolicy::DropCases },
        };
        let complete: Vec<String> = rows.iter().enumerate()
            .filter(|(_, r)| r.iter().all(Option::is_some))
            .map(|(i, _)| format!("c{i}")).collect();
        let any_unknown = complete.len() < rows.len();
        match Matrix::build(&table, &spec) {
            Ok(m) => {
                prop_assert!(!(refuse && any_unknown));
                prop_assert_eq!(&m.cases, &complete);
                prop_assert_eq!(m.cases.len() + m.dropped.len(), rows.len());
                for d in &m.dropped {
                    let i: usize = d.case[1..].parse().unwrap();
                    prop_assert!(!d.unknown.is_empty());
                    for (j, name) in ["X", "Y", "OUT"].iter().enumerate() {
                        prop_assert_eq!(rows[i][j].is_none(), d.unknown.contains(&name.to_string()));
                    }
                }
                for (i, case) in m.cases.iter().enumerate() {
                    let k: usize = case[1..].parse().unwrap();
                    let want: Vec<f64> = rows[k].iter().map(|c| f64::from(c.unwrap_or(9))).collect();
                    prop_assert_eq!(&m.values[i], &want);
                }
            }
            Err(e) => {
                // refused: every unknown is named, or nothing was left to analyse
                prop_assert!(any_unknown);
                if refuse {
                    let n_unknown: usize = rows.iter().flatten().filter(|c| c.is_none()).count();
                    prop_assert_eq!(e.flatten().len(), n_unknown);
                } else {
                    prop_assert!(complete.is_empty());
                }
            }
        }
    }
}

/// A value of a partnership field: known score or unknown.
fn field_value() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        Just(None),
        Just(Some(0.0)),
        Just(Some(1.0)),
        Just(Some(0.3)),
        Just(Some(0.7)),
        Just(Some(0.5)),
    ]
}

fn partnership(values: &[Option<f64>]) -> ambit_cases::Case {
    let v = |i: usize| values[i].map_or("\"unknown\"".to_string(), |x| x.to_string());
    let text = format!(
        "id = \"P\"\nname = \"p\"\n[structures]\nties = {}\ntrust = {}\n[actors.roles]\nsponsor = {}\nchampion = {}\ncatalyst = {}\n",
        v(0), v(1), v(2), v(3), v(4)
    );
    ambit_cases::Case::from_toml(&text, "p.toml", ambit_cases::Profile::Partnership).unwrap()
}

proptest! {
    #[test]
    fn a_determined_prediction_survives_learning_the_unknowns(
        values in prop::collection::vec(field_value(), 5),
        completion in prop::collection::vec(prop_oneof![Just(0.0), Just(1.0), Just(0.3), Just(0.7)], 5),
    ) {
        use ambit_cases::{assess, Model, Prediction};
        static MODEL: std::sync::OnceLock<Model> = std::sync::OnceLock::new();
        let model = MODEL.get_or_init(|| Model::builtin("study-2018").unwrap().unwrap());
        let partial = assess(model, &partnership(&values)).unwrap();
        let m = partial.membership;
        prop_assert!(0.0 <= m.low && m.low <= m.high && m.high <= 1.0);
        match partial.predicted {
            Prediction::Success => prop_assert!(m.low > 0.5),
            Prediction::Failure => prop_assert!(partial.failure_membership.low > 0.5),
            _ => {}
        }
        let filled: Vec<Option<f64>> = values.iter().zip(&completion).map(|(v, c)| Some(v.unwrap_or(*c))).collect();
        let full = assess(model, &partnership(&filled)).unwrap();
        prop_assert!(full.unknown_conditions.is_empty());
        prop_assert!(m.low <= full.membership.low + 1e-12 && full.membership.high <= m.high + 1e-12);
        if partial.predicted != Prediction::Undetermined {
            prop_assert_eq!(full.predicted, partial.predicted);
        }
    }
}

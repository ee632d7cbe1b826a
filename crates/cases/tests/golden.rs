//! The JSON of `ambit assess` is a contract with its consumers (the simulation reads it): a
//! change of shape shows up here as a snapshot difference.

use ambit_cases::{assess, Case, Model, Profile};
use std::path::Path;

fn assessment_json(file: &str, profile: Profile) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(root.join(file)).unwrap();
    let case = Case::from_toml(&text, file, profile).unwrap();
    let model = Model::builtin("study-2018").unwrap().unwrap();
    serde_json::to_string_pretty(&assess(&model, &case).unwrap()).unwrap()
}

#[test]
fn example_partnership_json() {
    insta::assert_snapshot!(assessment_json(
        "cases/examples/partnership.toml",
        Profile::Partnership
    ));
}

#[test]
fn case_c_json() {
    insta::assert_snapshot!(assessment_json("cases/lombardy-2018/c.toml", Profile::Case));
}

//! Small fixtures whose outcomes are computed by hand.

mod common;

use ambit_sim::simulate::Arm;
use ambit_sim::{simulate, Control, Reason, SimOptions};
use common::*;

fn run(s: &ambit_sim::Scenario, runs: usize) -> Arm {
    let options = SimOptions {
        runs,
        seed: 11,
        ..SimOptions::default()
    };
    let mut r = simulate(s, &[], options, &Control::default()).unwrap();
    r.arms.remove(0)
}

fn mean(arm: &Arm, window: usize, metric: &str) -> f64 {
    arm.windows[window].metric(metric).unwrap().summary.mean
}

fn reason(arm: &Arm, r: Reason) -> f64 {
    arm.reasons
        .iter()
        .find(|x| x.reason == r)
        .unwrap()
        .districts
        .mean
}

#[test]
fn certain_agreement_merges_in_the_first_window_and_pays_both_premiums() {
    let (d, c) = pairs(1);
    let s = scenario(
        &d,
        &c,
        None,
        &dgr_policy(""),
        &fixed_model(&[("agree_logit", "inf"), ("second_level_rate", "1.0")]),
    )
    .unwrap();
    let arm = run(&s, 50);
    for w in 0..3 {
        let m = arm.windows[w].metric("merges").unwrap();
        assert_eq!((m.summary.min, m.summary.max), (1.0, 1.0));
        // One merged district (2 -> 1), compliant; the agreement counts as subscribed.
        assert_eq!(mean(&arm, w, "districts"), 1.0);
        assert_eq!(mean(&arm, w, "compliant"), 1.0);
        assert_eq!(mean(&arm, w, "subscribed"), 1.0);
        assert_eq!(mean(&arm, w, "below_left"), 0.0);
        // 30,000 first level (June 2018) + 30,000 second level, paid once.
        assert_eq!(mean(&arm, w, "spend_eur"), 60000.0);
    }
    assert_eq!(arm.groupings[0].p_merged_by_window, vec![1.0, 1.0, 1.0]);
    assert_eq!(reason(&arm, Reason::NoAgreement), 0.0);
}

#[test]
fn impossible_agreement_never_merges_and_says_why() {
    let (d, c) = pairs(2);
    let s = scenario(&d, &c, None, &dgr_policy(""), &fixed_model(&[])).unwrap();
    let arm = run(&s, 50);
    assert_eq!(mean(&arm, 2, "merges"), 0.0);
    assert_eq!(mean(&arm, 2, "districts"), 4.0);
    assert_eq!(mean(&arm, 2, "compliant"), 2.0);
    assert_eq!(mean(&arm, 2, "below_left"), 2.0);
    assert_eq!(mean(&arm, 2, "spend_eur"), 0.0);
    assert_eq!(reason(&arm, Reason::NoAgreement), 2.0);
    let b0 = arm.districts.iter().find(|d| d.district == "b0").unwrap();
    assert_eq!(b0.reasons, vec![(Reason::NoAgreement, 1.0)]);
}

#[test]
fn two_windows_at_one_half_give_the_expected_counts() {
    // p = logistic(0) = 1/2 per window for agreement and for subscription. By hand, per grouping:
    // P(merged by w1) = 1/2, by w2 = 1 - (1/2)^2 = 3/4; expected premium = 1/2 * 30,000 +
    // 1/4 * 15,000 = 18,750. A lone compliant district subscribes by w2 with probability 3/4.
    let n = 4;
    let (mut d, c) = pairs(n);
    d.push_str("lone,1\n");
    let s = scenario(
        &d,
        &c,
        None,
        &policy(
            &[("w1", "2018-06-30", 30000), ("w2", "2018-12-31", 15000)],
            "",
        ),
        &fixed_model(&[("agree_logit", "0.0"), ("subscribe_logit", "0.0")]),
    )
    .unwrap();
    let runs = 20_000;
    let arm = run(&s, runs);
    let check = |w: usize, metric: &str, expected: f64| {
        let m = &arm.windows[w].metric(metric).unwrap().summary;
        let se = m.se().max(1e-9);
        assert!(
            (m.mean - expected).abs() < 4.0 * se,
            "{metric} at window {w}: mean {} vs expected {expected} (se {se})",
            m.mean
        );
    };
    check(0, "merges", n as f64 * 0.5);
    check(1, "merges", n as f64 * 0.75);
    check(1, "spend_eur", n as f64 * 18750.0);
    check(1, "districts", (2 * n + 1) as f64 - n as f64 * 0.75);
    // The lone district subscribes with 3/4 by w2; a compliant partner counts only while
    // unmerged: P(subscribed and unmerged by w2) = P(unmerged) * P(subscribed | unmerged).
    // Unmerged partners at w2: (1/2)^2; subscribed meanwhile: 3/4. Merged groupings count once.
    let expected_subscribed = 0.75 + n as f64 * (0.75 + 0.25 * 0.75);
    check(1, "subscribed", expected_subscribed);
    for g in &arm.groupings {
        assert!((g.p_merged_by_window[0] - 0.5).abs() < 4.0 * (0.25f64 / runs as f64).sqrt());
        assert!((g.p_merged_by_window[1] - 0.75).abs() < 4.0 * (0.1875f64 / runs as f64).sqrt());
    }
}

#[test]
fn a_mandatory_deadline_imposes_open_groupings_without_premium() {
    let (d, c) = pairs(3);
    let s = scenario(
        &d,
        &c,
        None,
        &dgr_policy("mandatory_from = \"2019-12-31\""),
        &fixed_model(&[]),
    )
    .unwrap();
    let arm = run(&s, 20);
    assert_eq!(mean(&arm, 1, "imposed"), 0.0);
    assert_eq!(mean(&arm, 2, "imposed"), 3.0);
    assert_eq!(mean(&arm, 2, "merges"), 0.0);
    assert_eq!(mean(&arm, 2, "below_left"), 0.0);
    assert_eq!(mean(&arm, 2, "spend_eur"), 0.0);
    assert!(arm.groupings.iter().all(|g| g.p_imposed == 1.0));
}

#[test]
fn a_certain_defection_dissolves_and_a_shared_district_supersedes() {
    // g0 never agrees and its partner always defects; g1 and g2 share `a1`: g1 (first in the
    // file) always agrees, so g2 is superseded.
    let d = "district,compliant\nb0,0\na0,1\nb1,0\na1,1\nb2,0\n";
    let c = "candidate,members\ng0,b0|a0\ng1,b1|a1\ng2,b2|a1\n";
    let a = "candidate,score\ng0,0\ng1,1\ng2,1\n";
    let s = scenario(
        d,
        c,
        Some(a),
        &dgr_policy(""),
        // agree = logistic(-inf + score_effect * (score - 0.5)): keep -inf for g0 by score 0
        // and make g1/g2 certain with a huge score effect.
        &fixed_model(&[
            ("agree_logit", "0.0"),
            ("score_effect", "1e9"),
            ("defect_logit", "inf"),
        ]),
    )
    .unwrap();
    let arm = run(&s, 20);
    let reasons_of = |name: &str| {
        arm.districts
            .iter()
            .find(|d| d.district == name)
            .unwrap()
            .reasons
            .clone()
    };
    assert_eq!(reasons_of("b0"), vec![(Reason::Defection, 1.0)]);
    assert_eq!(reasons_of("b1"), vec![]);
    assert_eq!(
        reasons_of("b2"),
        vec![(Reason::PartnerMergedElsewhere, 1.0)]
    );
    assert_eq!(arm.groupings[0].p_dissolved, 1.0);
    assert_eq!(arm.groupings[1].p_merged_by_window, vec![1.0, 1.0, 1.0]);
    assert_eq!(mean(&arm, 2, "merges"), 1.0);
}

#[test]
fn thresholds_decide_compliance_and_a_variant_can_change_them() {
    let d =
        "district,population,class\nsmall,30000,general\nbig,90000,general\nhill,30000,mountain\n";
    let c = "candidate,members\ng,small|big\n";
    let p = dgr_policy("[thresholds]\ngeneral = 80000\nmountain = 25000");
    let s = scenario(d, c, None, &p, &fixed_model(&[("agree_logit", "inf")])).unwrap();
    let world = ambit_sim::World::compile(&s, &s.policy).unwrap();
    assert_eq!(world.compliant, vec![false, true, true]);
    // 30,000 + 90,000 = 120,000 > 80,000.
    assert!(world.groupings[0].compliant_after);
    let stricter = ambit_sim::input::parse_policy(
        &dgr_policy("[thresholds]\ngeneral = 150000\nmountain = 25000"),
        std::path::Path::new("v.toml"),
    )
    .unwrap();
    let w2 = ambit_sim::World::compile(&s, &stricter).unwrap();
    assert_eq!(w2.compliant, vec![false, false, true]);
    assert!(!w2.groupings[0].compliant_after);
    let arm = run(&s, 5);
    assert_eq!(mean(&arm, 0, "compliant"), 2.0);
}

#[test]
fn bad_references_are_reported_with_their_line() {
    let err = scenario(
        "district,compliant\nx,1\ny,0\n",
        "candidate,members\ng,x|zz\n",
        None,
        &dgr_policy(""),
        "",
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "candidates.csv:2: field `members`: not a district of the baseline (value \"zz\")"
    );
    let err = scenario(
        "district\nx\ny\n",
        "candidate,members\ng,x|y\n",
        None,
        &dgr_policy(""),
        "",
    )
    .unwrap_err();
    assert!(err.to_string().contains("compliance unknown"), "{err}");
}

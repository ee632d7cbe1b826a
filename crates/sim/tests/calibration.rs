//! Calibration recovers known parameters from synthetic data.

mod common;

use ambit_sim::engine::{metric, run_once, stream_rng};
use ambit_sim::{calibrate, CalibrationOptions, Control, Observed, World};
use common::*;

#[test]
fn abc_recovers_the_parameters_that_generated_the_counts() {
    // A synthetic region large enough for the counts to be informative: 150 groupings
    // (150 below-threshold districts, 150 compliant partners) and 150 compliant districts alone.
    let (mut d, c) = pairs(150);
    for i in 0..150 {
        d.push_str(&format!("solo{i},1\n"));
    }
    let free = "[model.subscribe_logit]\nprior = [-3.0, 2.0]\n\
                [model.agree_logit]\nprior = [-4.0, 1.0]\n\
                [model.standby_logit]\nprior = [-3.0, 3.0]\n";
    let fixed = fixed_model(&[]);
    // Keep every other parameter fixed (defection impossible, no incentive effect).
    let fixed: String = fixed
        .split("[model.")
        .filter(|b| {
            !b.is_empty()
                && !b.starts_with("subscribe_logit")
                && !b.starts_with("agree_logit")
                && !b.starts_with("standby_logit")
        })
        .map(|b| format!("[model.{b}"))
        .collect();
    let tail = format!("{free}{fixed}");
    let s = scenario(&d, &c, None, &dgr_policy(""), &tail).unwrap();
    let world = World::compile(&s, &s.policy).unwrap();
    let truth = {
        let mut t = s.model.midpoint();
        t[ambit_sim::model::idx::SUBSCRIBE] = -0.5;
        t[ambit_sim::model::idx::AGREE] = -2.0;
        t[ambit_sim::model::idx::STANDBY] = 0.0;
        t
    };
    let mut rng = stream_rng(99, 0);
    let counts = run_once(&world, &truth, &mut rng, 2, None).counts[1];
    let observed = Observed {
        deadline: "2018-12-31".into(),
        subscribed: counts[metric::SUBSCRIBED] as u32,
        merges: counts[metric::MERGES] as u32,
        standby: counts[metric::STANDBY] as u32,
        source: "synthetic".into(),
    };
    let cal = calibrate(
        &world,
        &s.model,
        &observed,
        CalibrationOptions {
            draws: 4_000,
            accept: 100,
            seed: 3,
        },
        &Control::default(),
    )
    .unwrap();
    for (name, true_value) in [
        ("subscribe_logit", -0.5),
        ("agree_logit", -2.0),
        ("standby_logit", 0.0),
    ] {
        let fit = cal.fits.iter().find(|f| f.name == name).unwrap();
        let p = &fit.posterior;
        assert!(
            p.q05 <= true_value && true_value <= p.q95,
            "{name}: true {true_value} outside [{}, {}]",
            p.q05,
            p.q95
        );
        assert!(
            (p.q50 - true_value).abs() < 2.0 * p.sd,
            "{name}: median {} sd {}",
            p.q50,
            p.sd
        );
        // Identified: the posterior interval is much narrower than the prior's.
        assert!(
            fit.interval_ratio < 0.7,
            "{name}: ratio {}",
            fit.interval_ratio
        );
    }
    for check in &cal.predictive {
        assert!(check.predicted.q05 <= check.observed && check.observed <= check.predicted.q95);
    }
}

//! Under rounded weights a member is called a dummy only when the exact game proves it one:
//! members whose weight merely rounds to nothing are listed as unresolved, not as dummies.

use ambit_govern::game::{Game, WeightQuota, WinningRule};
use ambit_govern::power::{Indices, PowerOptions};
use ambit_govern::share::Share;
use ambit_govern::{assess_game, Member};

#[test]
fn members_below_the_rounding_unit_are_unresolved_not_dummies() {
    // one city and 40 villages of 1 to 40 inhabitants, a simple majority of the weight: the
    // rounded game cannot tell the villages' power apart from zero, so it must not call them
    // dummies (here the exact game shows they are, which only the exact game can show)
    let mut pops: Vec<u64> = vec![60_000];
    pops.extend(1..=40);
    let members: Vec<Member> = pops
        .iter()
        .enumerate()
        .map(|(i, &p)| Member::new(format!("{i:03}"), format!("m{i}"), p))
        .collect();
    let mut weights = pops.clone();
    weights.push(0); // and one member with no vote at all
    let mut members = members;
    members.push(Member::new("999", "no vote", 0));
    let game = Game::new(
        weights,
        WinningRule::weighted(WeightQuota::MoreThan(Share::HALF)),
    );
    let shares = vec![0.0; members.len()];
    // a DP small enough to force a coarse unit
    let coarse = PowerOptions {
        max_cells: 2_000,
        ..PowerOptions::default()
    };
    let a = assess_game(&game, &members, &shares, Indices::Banzhaf, &coarse).unwrap();
    assert!(!a.scaling.is_exact());
    // only the member without a vote is proven a dummy
    assert_eq!(a.dummies, vec![41]);
    // the villages lighter than the unit are unresolved, not dummies
    assert!(!a.unresolved.is_empty());
    assert!(a.unresolved.iter().all(|&i| pops[i] < a.scaling.unit));
    // exact weights: the city dictates (60,000 > 30,410) and every other member is a dummy
    let exact = assess_game(
        &game,
        &members,
        &shares,
        Indices::Banzhaf,
        &PowerOptions::default(),
    )
    .unwrap();
    assert!(exact.scaling.is_exact());
    assert_eq!(exact.dummies, (1..=41).collect::<Vec<_>>());
    assert!(exact.unresolved.is_empty());
}

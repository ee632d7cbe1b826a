//! Shared test helpers: the brute-force max-p optimum of tiny instances.

use ambit_plan::{DistrictRule, Problem};

/// Largest number of compliant districts over all partitions of the units into connected
/// districts (within one nesting area each under hard nesting): restricted growth strings.
pub fn brute_force(pb: &Problem, rule: &dyn DistrictRule, areas: Option<&[u32]>) -> usize {
    let n = pb.len();
    let mut label = vec![0usize; n];
    let mut best = 0;
    fn rec(
        i: usize,
        max: usize,
        label: &mut Vec<usize>,
        pb: &Problem,
        rule: &dyn DistrictRule,
        areas: Option<&[u32]>,
        best: &mut usize,
    ) {
        let n = label.len();
        if i == n {
            *best = (*best).max(score(label, max + 1, pb, rule, areas));
            return;
        }
        for l in 0..=max + 1 {
            if i == 0 && l > 0 {
                break;
            }
            label[i] = l;
            let m = if i == 0 { 0 } else { max.max(l) };
            rec(i + 1, m, label, pb, rule, areas, best);
        }
    }
    rec(0, 0, &mut label, pb, rule, areas, &mut best);
    best
}

/// Compliant districts of a labelling, or 0 when a district is disconnected or crosses areas.
fn score(
    label: &[usize],
    count: usize,
    pb: &Problem,
    rule: &dyn DistrictRule,
    areas: Option<&[u32]>,
) -> usize {
    let k = pb.totals_len();
    let mut p = 0;
    for d in 0..count {
        let members: Vec<usize> = (0..label.len()).filter(|&u| label[u] == d).collect();
        if members.is_empty() {
            continue;
        }
        if let Some(a) = areas {
            if members.iter().any(|&u| a[u] != a[members[0]]) {
                return 0;
            }
        }
        // connected?
        let mut seen = vec![members[0]];
        let mut i = 0;
        while i < seen.len() {
            for &v in pb.graph().neighbors(seen[i]) {
                let v = v as usize;
                if label[v] == d && !seen.contains(&v) {
                    seen.push(v);
                }
            }
            i += 1;
        }
        if seen.len() != members.len() {
            return 0;
        }
        let mut t = vec![0.0; k];
        for &u in &members {
            for (a, b) in t.iter_mut().zip(pb.unit_totals(u)) {
                *a += b;
            }
        }
        if rule.is_compliant(&t) {
            p += 1;
        }
    }
    p
}

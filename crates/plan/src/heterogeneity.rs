//! Within-district heterogeneity: the sum over pairs of members of the L1 distance between their
//! (standardised) attributes, the objective of spopt's `MaxPHeuristic` (Wei, Rey & Knaap 2020).

/// Sum over pairs `i < j` of `|v_i - v_j|`, in O(k log k) by sorting: after sorting, element `i`
/// (0-based) is larger than `i` others and smaller than `k - 1 - i` others.
pub fn pairwise_l1_sum(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let k = values.len() as f64;
    values
        .iter()
        .enumerate()
        .map(|(i, v)| v * (2.0 * i as f64 - k + 1.0))
        .sum()
}

/// Heterogeneity of one district: pairwise L1 sums over every attribute column.
///
/// `attrs` is row-major (`m` values per unit).
pub fn district_heterogeneity(attrs: &[f64], m: usize, members: &[u32], buf: &mut Vec<f64>) -> f64 {
    let mut total = 0.0;
    for a in 0..m {
        buf.clear();
        buf.extend(members.iter().map(|&u| attrs[u as usize * m + a]));
        total += pairwise_l1_sum(buf);
    }
    total
}

/// Sum of L1 distances between unit `u` and the `members` (excluding `u` itself if present).
pub(crate) fn distance_to_members(attrs: &[f64], m: usize, u: usize, members: &[u32]) -> f64 {
    let xu = &attrs[u * m..u * m + m];
    let mut s = 0.0;
    for &v in members {
        let v = v as usize;
        if v == u {
            continue;
        }
        let xv = &attrs[v * m..v * m + m];
        for a in 0..m {
            s += (xu[a] - xv[a]).abs();
        }
    }
    s
}

/// Heterogeneity of a whole labelling: sum over districts (labels `0..p`) of their heterogeneity.
pub fn plan_heterogeneity(attrs: &[f64], m: usize, district_of: &[u32], p: usize) -> f64 {
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); p];
    for (u, &d) in district_of.iter().enumerate() {
        if (d as usize) < p {
            members[d as usize].push(u as u32);
        }
    }
    let mut buf = Vec::new();
    members
        .iter()
        .map(|ms| district_heterogeneity(attrs, m, ms, &mut buf))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_formula_matches_brute_force() {
        let v = [3.0, -1.0, 4.5, 0.0, 2.0];
        let mut brute = 0.0;
        for i in 0..v.len() {
            for j in i + 1..v.len() {
                brute += f64::abs(v[i] - v[j]);
            }
        }
        let mut w = v.to_vec();
        assert!((pairwise_l1_sum(&mut w) - brute).abs() < 1e-12);
        // by hand: |3+1|+|3-4.5|+|3|+|1|+|-1-4.5|+1+3+4.5+2.5+2 = 28
        assert!((brute - 28.0).abs() < 1e-12);
    }

    #[test]
    fn removal_delta_equals_distance_to_others() {
        // two attributes, three units
        let attrs = [0.0, 1.0, 2.0, 3.0, -1.0, 0.5];
        let mut buf = Vec::new();
        let all = district_heterogeneity(&attrs, 2, &[0, 1, 2], &mut buf);
        let without = district_heterogeneity(&attrs, 2, &[0, 2], &mut buf);
        let d = distance_to_members(&attrs, 2, 1, &[0, 1, 2]);
        assert!((all - without - d).abs() < 1e-12);
        // by hand: pairs (0,1): 2+2=4, (0,2): 1+0.5=1.5, (1,2): 3+2.5=5.5 -> 11
        assert!((all - 11.0).abs() < 1e-12);
    }
}

//! Exact set cover of a prime implicant chart: every minimum cover (branch and bound), or every
//! irredundant cover (minimal transversals, MMCS), plus Quine's row dominance.

/// A fixed-size bit set.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BitSet {
    words: Vec<u64>,
}

impl BitSet {
    /// An empty set able to hold `n` elements.
    pub fn new(n: usize) -> Self {
        Self {
            words: vec![0; n.div_ceil(64).max(1)],
        }
    }
    /// Adds an element.
    pub fn insert(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }
    /// Removes an element.
    pub fn remove(&mut self, i: usize) {
        self.words[i / 64] &= !(1 << (i % 64));
    }
    /// Membership test.
    pub fn contains(&self, i: usize) -> bool {
        self.words[i / 64] >> (i % 64) & 1 == 1
    }
    /// Number of elements.
    pub fn len(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }
    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }
    /// Keeps only the elements also in `other`.
    pub fn intersect_with(&mut self, other: &BitSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }
    /// Adds every element of `other`.
    pub fn union_with(&mut self, other: &BitSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }
    /// Number of elements of `self` not in `other`.
    pub fn count_minus(&self, other: &BitSet) -> usize {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| (a & !b).count_ones() as usize)
            .sum()
    }
    /// Whether `self` is a subset of `other`.
    pub fn is_subset(&self, other: &BitSet) -> bool {
        self.words
            .iter()
            .zip(&other.words)
            .all(|(a, b)| a & !b == 0)
    }
    /// Elements in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(wi, &w)| {
            let mut bits = w;
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let b = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                Some(wi * 64 + b)
            })
        })
    }
}

/// Indices of the implicants kept by row dominance: an implicant is dropped when another one
/// covers a strict superset of its rows (R QCA `rowDominance()`; equal coverage keeps both).
pub fn row_dominance(covers: &[BitSet]) -> Vec<usize> {
    (0..covers.len())
        .filter(|&i| {
            !(0..covers.len()).any(|j| {
                j != i && covers[i].is_subset(&covers[j]) && covers[j].len() > covers[i].len()
            })
        })
        .collect()
}

/// How far the search for minimum covers goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverSearch {
    /// Every cover of minimum size.
    AllMinimum,
    /// Stop at the first cover proven to be of minimum size.
    FirstMinimum,
}

/// Every minimum-size cover of `ncols` columns by the sets `covers` (implicant -> columns).
/// Returns covers as sorted implicant indices, sorted lexicographically; empty if none exists.
///
/// First the chart is reduced to its cyclic core (essential implicants, column dominance and row
/// dominance, repeated; valid for the minimum size, Quine 1952 / McCluskey 1956) and the minimum
/// size is found there by branch and bound. For [`CoverSearch::AllMinimum`] every cover of that
/// size is then enumerated on the unreduced chart (row dominance may hide alternative models).
pub fn minimum_covers(covers: &[BitSet], ncols: usize, search: CoverSearch) -> Vec<Vec<usize>> {
    minimum_covers_until(covers, ncols, search, &|| false).covers
}

/// Covers found by [`minimum_covers_until`], and whether the search ran to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverOutcome {
    /// Covers, as sorted implicant indices: every minimum cover when `exhausted`, else the
    /// smallest covers found before the stop (not proven minimum).
    pub covers: Vec<Vec<usize>>,
    /// Whether the search finished (the covers are then exactly the minimum ones asked for).
    pub exhausted: bool,
}

/// [`minimum_covers`] that polls `stop` during the search (time limit, Ctrl-C) and then returns
/// the best covers found so far, marked as not exhausted.
pub fn minimum_covers_until(
    covers: &[BitSet],
    ncols: usize,
    search: CoverSearch,
    stop: &(dyn Fn() -> bool + Sync),
) -> CoverOutcome {
    let done = |covers| CoverOutcome {
        covers,
        exhausted: true,
    };
    if ncols == 0 {
        return done(vec![Vec::new()]);
    }
    let mut col_pis: Vec<Vec<usize>> = vec![Vec::new(); ncols];
    for (p, c) in covers.iter().enumerate() {
        for col in c.iter() {
            col_pis[col].push(p);
        }
    }
    if col_pis.iter().any(|v| v.is_empty()) {
        return done(Vec::new());
    }
    let core = cyclic_core(covers, &col_pis);
    // diagnostics for a subscriber (RUST_LOG=ambit_qca=debug in a binary that installs one);
    // the library itself never prints
    tracing::debug!(
        chart_rows = covers.len(),
        chart_cols = ncols,
        essential = core.essential.len(),
        core_pis = core.pis.len(),
        core_cols = core.cols.len(),
        "cyclic core of the prime implicant chart"
    );
    let (core_cover, core_done) =
        solve_sub(covers, &col_pis, &core.pis, &core.cols, None, true, stop);
    tracing::debug!(
        size = ?core_cover.first().map(Vec::len),
        "cyclic core solved"
    );
    let Some(first) = core_cover.into_iter().next() else {
        return CoverOutcome {
            covers: Vec::new(),
            exhausted: core_done,
        };
    };
    let mut best: Vec<usize> = core.essential.iter().copied().chain(first).collect();
    best.sort_unstable();
    if search == CoverSearch::FirstMinimum || !core_done {
        return CoverOutcome {
            covers: vec![best],
            exhausted: core_done,
        };
    }
    // All covers of the minimum size on the full chart (after the plain essentials only).
    let essential: Vec<usize> = {
        let mut e: Vec<usize> = col_pis
            .iter()
            .filter(|v| v.len() == 1)
            .map(|v| v[0])
            .collect();
        e.sort_unstable();
        e.dedup();
        e
    };
    let mut covered = BitSet::new(ncols);
    for &e in &essential {
        covered.union_with(&covers[e]);
    }
    let open: Vec<usize> = (0..ncols).filter(|&c| !covered.contains(c)).collect();
    let all_pis: Vec<usize> = (0..covers.len())
        .filter(|p| !essential.contains(p))
        .collect();
    let target = best.len() - essential.len();
    let (found, all_done) = solve_sub(covers, &col_pis, &all_pis, &open, Some(target), false, stop);
    let mut models: Vec<Vec<usize>> = found
        .into_iter()
        .map(|mut c| {
            c.extend(&essential);
            c.sort_unstable();
            c
        })
        .collect();
    models.sort();
    models.dedup();
    if models.is_empty() {
        // Stopped before the enumeration met the first cover again: keep the proven one.
        models.push(best);
    }
    CoverOutcome {
        covers: models,
        exhausted: all_done,
    }
}

struct Core {
    essential: Vec<usize>,
    pis: Vec<usize>,
    cols: Vec<usize>,
}

/// Reduces the chart by essential implicants, column dominance and row dominance until stable.
fn cyclic_core(covers: &[BitSet], col_pis: &[Vec<usize>]) -> Core {
    let npis = covers.len();
    let ncols = col_pis.len();
    let mut pi_on = vec![true; npis];
    let mut col_on = vec![true; ncols];
    let mut essential = Vec::new();
    loop {
        let mut changed = false;
        // Essentials.
        for c in 0..ncols {
            if !col_on[c] {
                continue;
            }
            let live: Vec<usize> = col_pis[c].iter().copied().filter(|&p| pi_on[p]).collect();
            if live.len() == 1 {
                let p = live[0];
                essential.push(p);
                pi_on[p] = false;
                for cc in covers[p].iter() {
                    col_on[cc] = false;
                }
                changed = true;
            }
        }
        // Column dominance.
        let mut cols: Vec<(usize, Vec<usize>)> = (0..ncols)
            .filter(|&c| col_on[c])
            .map(|c| {
                (
                    c,
                    col_pis[c]
                        .iter()
                        .copied()
                        .filter(|&p| pi_on[p])
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        cols.sort_by_key(|(c, l)| (l.len(), *c));
        let mut kept: Vec<usize> = Vec::new();
        for i in 0..cols.len() {
            if kept.iter().any(|&k| sorted_subset(&cols[k].1, &cols[i].1)) {
                col_on[cols[i].0] = false;
                changed = true;
            } else {
                kept.push(i);
            }
        }
        // Row dominance (restricted to the open columns).
        let mut open = BitSet::new(ncols);
        for c in (0..ncols).filter(|&c| col_on[c]) {
            open.insert(c);
        }
        let restricted: Vec<Option<BitSet>> = (0..npis)
            .map(|p| {
                pi_on[p].then(|| {
                    let mut b = covers[p].clone();
                    b.intersect_with(&open);
                    b
                })
            })
            .collect();
        let size = |p: usize| restricted[p].as_ref().map_or(0, BitSet::len);
        for p in 0..npis {
            let Some(rp) = &restricted[p] else { continue };
            if rp.is_empty() {
                pi_on[p] = false;
                changed = true;
                continue;
            }
            let Some(c) = rp.iter().min_by_key(|&c| col_pis[c].len()) else {
                continue;
            };
            let dominated = col_pis[c].iter().any(|&q| {
                q != p
                    && pi_on[q]
                    && restricted[q]
                        .as_ref()
                        .is_some_and(|rq| rp.is_subset(rq) && (size(q) > size(p) || q < p))
            });
            if dominated {
                pi_on[p] = false;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    essential.sort_unstable();
    Core {
        essential,
        pis: (0..npis).filter(|&p| pi_on[p]).collect(),
        cols: (0..ncols).filter(|&c| col_on[c]).collect(),
    }
}

/// Branch and bound on a sub-chart (implicants `pis`, columns `cols`): with `target` = None,
/// finds one minimum cover (`first_only`) ; with a target size, every cover of exactly that size.
fn solve_sub(
    covers: &[BitSet],
    col_pis: &[Vec<usize>],
    pis: &[usize],
    cols: &[usize],
    target: Option<usize>,
    first_only: bool,
    stop: &(dyn Fn() -> bool + Sync),
) -> (Vec<Vec<usize>>, bool) {
    let m = cols.len();
    if m == 0 {
        return (vec![Vec::new()], true);
    }
    let npis = covers.len();
    let mut active = vec![false; npis];
    for &p in pis {
        active[p] = true;
    }
    let mut red: Vec<BitSet> = vec![BitSet::new(m); npis];
    let mut lists: Vec<Vec<usize>> = Vec::with_capacity(m);
    for (ci, &c) in cols.iter().enumerate() {
        let list: Vec<usize> = col_pis[c].iter().copied().filter(|&p| active[p]).collect();
        for &p in &list {
            red[p].insert(ci);
        }
        lists.push(list);
    }
    if lists.iter().any(Vec::is_empty) {
        return (Vec::new(), true);
    }
    let sizes: Vec<usize> = red.iter().map(BitSet::len).collect();
    let mut by_size: Vec<usize> = (0..npis).filter(|&p| sizes[p] > 0).collect();
    by_size.sort_by_key(|&p| std::cmp::Reverse(sizes[p]));
    let mut state = Search {
        red: &red,
        lists: &lists,
        sizes: &sizes,
        by_size: &by_size,
        m,
        best: 0,
        found: Vec::new(),
        first_only,
        stop,
        nodes: 0,
        stopped: false,
    };
    match target {
        Some(t) => state.best = t,
        None => {
            let greedy = greedy_cover(&red, m);
            state.best = greedy.len();
            state.found.push(greedy);
        }
    }
    let mut chosen = Vec::new();
    state.dfs(&mut chosen, &BitSet::new(m), &BitSet::new(npis));
    (state.found, !state.stopped)
}

/// Whether sorted list `a` is a subset of sorted list `b`.
fn sorted_subset(a: &[usize], b: &[usize]) -> bool {
    if a.len() > b.len() {
        return false;
    }
    let mut j = 0;
    for &x in a {
        while j < b.len() && b[j] < x {
            j += 1;
        }
        if j == b.len() || b[j] != x {
            return false;
        }
        j += 1;
    }
    true
}

struct Search<'a> {
    red: &'a [BitSet],
    lists: &'a [Vec<usize>],
    sizes: &'a [usize],
    by_size: &'a [usize],
    m: usize,
    best: usize,
    found: Vec<Vec<usize>>,
    first_only: bool,
    stop: &'a (dyn Fn() -> bool + Sync),
    nodes: u64,
    stopped: bool,
}

impl Search<'_> {
    /// Slots a cover extending `chosen` may still use to be worth recording.
    fn slots(&self, chosen: usize) -> Option<usize> {
        let limit = if self.first_only {
            self.best.checked_sub(1)?
        } else {
            self.best
        };
        limit.checked_sub(chosen)
    }

    /// Largest number of open columns a usable implicant covers.
    fn max_gain(&self, covered: &BitSet, forbidden: &BitSet) -> usize {
        let mut best = 0;
        for &p in self.by_size {
            if self.sizes[p] <= best {
                break;
            }
            if !forbidden.contains(p) {
                best = best.max(self.red[p].count_minus(covered));
            }
        }
        best
    }

    fn dfs(&mut self, chosen: &mut Vec<usize>, covered: &BitSet, forbidden: &BitSet) {
        self.nodes += 1;
        if self.stopped || (self.nodes % 1024 == 1 && (self.stop)()) {
            self.stopped = true;
            return;
        }
        let uncovered = self.m - covered.len();
        if uncovered == 0 {
            if chosen.len() < self.best {
                self.best = chosen.len();
                self.found.clear();
            }
            if chosen.len() == self.best {
                self.found.push(chosen.clone());
            }
            return;
        }
        let Some(slots) = self.slots(chosen.len()) else {
            return;
        };
        if slots == 0 {
            return;
        }
        let g = self.max_gain(covered, forbidden);
        if g == 0 || uncovered > slots * g || self.independent_bound(covered, forbidden) > slots {
            return;
        }
        if self.reciprocal_bound(covered, forbidden) > slots {
            return;
        }
        // Branch on the open column with the fewest implicants.
        let mut pick = None;
        for (ci, list) in self.lists.iter().enumerate() {
            let shorter = match pick {
                None => true,
                Some((_, len)) => list.len() < len,
            };
            if !covered.contains(ci) && shorter {
                pick = Some((ci, list.len()));
            }
        }
        let Some((ci, _)) = pick else { return };
        let mut cands: Vec<(usize, usize)> = self.lists[ci]
            .iter()
            .filter(|&&p| !forbidden.contains(p))
            .map(|&p| (self.red[p].count_minus(covered), p))
            .collect();
        cands.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut forb = forbidden.clone();
        for (gain, p) in cands {
            let Some(slots) = self.slots(chosen.len()) else {
                return;
            };
            if slots == 0 || gain + (slots - 1) * g < uncovered {
                break;
            }
            let mut cov = covered.clone();
            cov.union_with(&self.red[p]);
            chosen.push(p);
            self.dfs(chosen, &cov, &forb);
            chosen.pop();
            forb.insert(p);
        }
    }
}

impl Search<'_> {
    /// LP dual bound: each open column weighs 1 / (largest open coverage of a usable implicant
    /// containing it); every implicant then carries at most weight 1, so the sum bounds the cover.
    fn reciprocal_bound(&self, covered: &BitSet, forbidden: &BitSet) -> usize {
        let mut sum = 0.0f64;
        for c in (0..self.m).filter(|&c| !covered.contains(c)) {
            let mut best = 0usize;
            for &p in &self.lists[c] {
                if !forbidden.contains(p) && self.sizes[p] > best {
                    best = best.max(self.red[p].count_minus(covered));
                }
            }
            if best == 0 {
                return usize::MAX;
            }
            sum += 1.0 / best as f64;
        }
        (sum - 1e-9).ceil().max(0.0) as usize
    }

    /// Number of open columns whose usable implicant lists are pairwise disjoint (each needs its
    /// own implicant): a lower bound on the implicants still needed.
    fn independent_bound(&self, covered: &BitSet, forbidden: &BitSet) -> usize {
        let mut used = BitSet::new(self.red.len());
        let mut count = 0;
        let mut order: Vec<usize> = (0..self.m).filter(|&c| !covered.contains(c)).collect();
        order.sort_by_key(|&c| self.lists[c].len());
        for c in order {
            let list = &self.lists[c];
            if list
                .iter()
                .all(|&p| forbidden.contains(p) || !used.contains(p))
            {
                count += 1;
                for &p in list {
                    used.insert(p);
                }
            }
        }
        count
    }
}

fn greedy_cover(red: &[BitSet], m: usize) -> Vec<usize> {
    let mut covered = BitSet::new(m);
    let mut chosen = Vec::new();
    while covered.len() < m {
        let best =
            (0..red.len()).max_by_key(|&p| (red[p].count_minus(&covered), std::cmp::Reverse(p)));
        match best {
            Some(p) if red[p].count_minus(&covered) > 0 => {
                covered.union_with(&red[p]);
                chosen.push(p);
            }
            _ => break,
        }
    }
    chosen
}

/// Every irredundant cover (no implicant can be dropped), i.e. the minimal transversals of the
/// hypergraph whose edges are the columns' implicant sets; sorted by size, then lexicographically.
pub fn irredundant_covers(covers: &[BitSet], ncols: usize) -> Vec<Vec<usize>> {
    let npis = covers.len();
    let mut edges: Vec<BitSet> = vec![BitSet::new(npis); ncols];
    for (p, c) in covers.iter().enumerate() {
        for col in c.iter() {
            edges[col].insert(p);
        }
    }
    if edges.iter().any(|e| e.is_empty()) {
        return Vec::new();
    }
    let mut all = BitSet::new(npis);
    for p in 0..npis {
        all.insert(p);
    }
    let mut out = Vec::new();
    let mut s = Vec::new();
    mmcs_general(&edges, &mut s, &all, &mut out);
    for m in &mut out {
        m.sort_unstable();
    }
    out.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    out
}

fn mmcs_general(edges: &[BitSet], s: &mut Vec<usize>, cand: &BitSet, out: &mut Vec<Vec<usize>>) {
    let hits = |e: &BitSet, s: &[usize]| s.iter().any(|&p| e.contains(p));
    let mut best: Option<&BitSet> = None;
    let mut best_count = usize::MAX;
    for e in edges {
        if !hits(e, s) {
            let c = e.iter().filter(|&p| cand.contains(p)).count();
            if c < best_count {
                best_count = c;
                best = Some(e);
            }
        }
    }
    let Some(f) = best else {
        out.push(s.clone());
        return;
    };
    let c: Vec<usize> = f.iter().filter(|&p| cand.contains(p)).collect();
    let mut cand2 = cand.clone();
    for &p in &c {
        cand2.remove(p);
    }
    for p in c {
        s.push(p);
        let private_ok = s.iter().all(|&u| {
            edges
                .iter()
                .any(|e| e.contains(u) && s.iter().filter(|&&w| e.contains(w)).count() == 1)
        });
        if private_ok {
            mmcs_general(edges, s, &cand2, out);
        }
        s.pop();
        cand2.insert(p);
    }
}

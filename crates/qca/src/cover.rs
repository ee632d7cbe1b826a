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
pub fn minimum_covers(covers: &[BitSet], ncols: usize, search: CoverSearch) -> Vec<Vec<usize>> {
    let npis = covers.len();
    let mut col_pis: Vec<Vec<usize>> = vec![Vec::new(); ncols];
    for (p, c) in covers.iter().enumerate() {
        for col in c.iter() {
            col_pis[col].push(p);
        }
    }
    if col_pis.iter().any(|v| v.is_empty()) {
        return Vec::new();
    }
    // Essential implicants: the only cover of some column; they belong to every cover.
    let mut essential: Vec<usize> = col_pis
        .iter()
        .filter(|v| v.len() == 1)
        .map(|v| v[0])
        .collect();
    essential.sort_unstable();
    essential.dedup();
    let mut covered = BitSet::new(ncols);
    for &e in &essential {
        covered.union_with(&covers[e]);
    }
    // Column dominance: a column whose implicant set contains another column's set is implied.
    let open: Vec<usize> = (0..ncols).filter(|&c| !covered.contains(c)).collect();
    let mut sets: Vec<BitSet> = open
        .iter()
        .map(|&c| {
            let mut s = BitSet::new(npis);
            for &p in &col_pis[c] {
                s.insert(p);
            }
            s
        })
        .collect();
    let mut keep = vec![true; open.len()];
    for a in 0..open.len() {
        for b in 0..open.len() {
            if a != b && keep[b] && sets[b].is_subset(&sets[a]) && (sets[a] != sets[b] || b < a) {
                keep[a] = false;
                break;
            }
        }
    }
    let cols: Vec<usize> = open
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(c, _)| *c)
        .collect();
    sets = cols
        .iter()
        .map(|&c| {
            let mut s = BitSet::new(npis);
            for &p in &col_pis[c] {
                s.insert(p);
            }
            s
        })
        .collect();
    // Restrict implicant coverage to the remaining columns (indexed 0..cols.len()).
    let m = cols.len();
    let mut red: Vec<BitSet> = vec![BitSet::new(m); npis];
    for (ci, s) in sets.iter().enumerate() {
        for p in s.iter() {
            red[p].insert(ci);
        }
    }
    let col_lists: Vec<Vec<usize>> = sets.iter().map(|s| s.iter().collect()).collect();
    let greedy = greedy_cover(&red, m);
    let mut search_state = Search {
        red: &red,
        col_lists: &col_lists,
        m,
        best: greedy.len(),
        found: Vec::new(),
        first_only: search == CoverSearch::FirstMinimum,
        done: false,
    };
    let mut chosen = Vec::new();
    search_state.dfs(&mut chosen, &BitSet::new(m), &BitSet::new(npis));
    let mut models: Vec<Vec<usize>> = search_state
        .found
        .into_iter()
        .map(|mut c| {
            c.extend(&essential);
            c.sort_unstable();
            c.dedup();
            c
        })
        .collect();
    models.sort();
    models.dedup();
    models
}

struct Search<'a> {
    red: &'a [BitSet],
    col_lists: &'a [Vec<usize>],
    m: usize,
    best: usize,
    found: Vec<Vec<usize>>,
    first_only: bool,
    done: bool,
}

impl Search<'_> {
    fn dfs(&mut self, chosen: &mut Vec<usize>, covered: &BitSet, forbidden: &BitSet) {
        if self.done {
            return;
        }
        let uncovered = self.m - covered.len();
        if uncovered == 0 {
            if chosen.len() < self.best {
                self.best = chosen.len();
                self.found.clear();
            }
            if chosen.len() == self.best && !(self.first_only && !self.found.is_empty()) {
                self.found.push(chosen.clone());
                if self.first_only && self.proven() {
                    self.done = true;
                }
            }
            return;
        }
        // Pick the open column with the fewest usable implicants.
        let mut pick: Option<(usize, Vec<usize>)> = None;
        let mut max_gain = 0usize;
        for (ci, list) in self.col_lists.iter().enumerate() {
            if covered.contains(ci) {
                continue;
            }
            let usable: Vec<usize> = list
                .iter()
                .copied()
                .filter(|&p| !forbidden.contains(p))
                .collect();
            if usable.is_empty() {
                return;
            }
            for &p in &usable {
                max_gain = max_gain.max(self.red[p].count_minus(covered));
            }
            if pick.as_ref().map_or(true, |(_, u)| usable.len() < u.len()) {
                pick = Some((ci, usable));
            }
        }
        let Some((_, mut usable)) = pick else { return };
        let lower = chosen.len()
            + uncovered
                .div_ceil(max_gain.max(1))
                .max(self.independent_bound(covered, forbidden));
        if lower > self.best || (self.first_only && !self.found.is_empty() && lower >= self.best) {
            return;
        }
        usable.sort_by_key(|&p| std::cmp::Reverse(self.red[p].count_minus(covered)));
        let mut forb = forbidden.clone();
        for p in usable {
            let mut cov = covered.clone();
            cov.union_with(&self.red[p]);
            chosen.push(p);
            self.dfs(chosen, &cov, &forb);
            chosen.pop();
            if self.done {
                return;
            }
            forb.insert(p);
        }
    }

    /// Greedy count of open columns whose usable implicant sets are pairwise disjoint.
    fn independent_bound(&self, covered: &BitSet, forbidden: &BitSet) -> usize {
        let mut used = BitSet::new(self.red.len());
        let mut count = 0;
        let mut order: Vec<usize> = (0..self.m).filter(|&c| !covered.contains(c)).collect();
        order.sort_by_key(|&c| self.col_lists[c].len());
        for c in order {
            let list: Vec<usize> = self.col_lists[c]
                .iter()
                .copied()
                .filter(|&p| !forbidden.contains(p))
                .collect();
            if list.iter().all(|&p| !used.contains(p)) {
                count += 1;
                for p in list {
                    used.insert(p);
                }
            }
        }
        count
    }

    /// For the first-minimum mode: a cover is proven minimum once its size equals a lower bound.
    fn proven(&self) -> bool {
        let empty = BitSet::new(self.m);
        let all_pis = BitSet::new(self.red.len());
        let max_gain = self.red.iter().map(|r| r.len()).max().unwrap_or(1).max(1);
        let lb = self
            .m
            .div_ceil(max_gain)
            .max(self.independent_bound(&empty, &all_pis));
        self.best <= lb
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

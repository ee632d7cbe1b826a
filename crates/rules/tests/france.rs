//! The NOTRe audit of the real map: the 1,259 EPCI of 1 Jan 2019 in the shipped `data/france`,
//! against `policies/france-notre-2015.toml`. Expected figures: the source build's checks
//! (`data/france/PROVENANCE.md`, from the facts of the source folder) and, for the verdict of
//! each of the 352 EPCI under 15,000, the independent Python computation
//! `bench/france/peer_audit.py` (its output `bench/france/peer_audit.csv` is in the repo).

use ambit_rules::{audit, Audit, CompiledPolicy, PolicyFile};
use ambit_territory::Dataset;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct France {
    dataset: Dataset,
    audit: Audit,
}

/// Loaded once for all tests of this file (34,970 communes, 102,286 pairs).
fn france() -> &'static France {
    static F: OnceLock<France> = OnceLock::new();
    F.get_or_init(|| {
        let dataset = Dataset::load(&root().join("data/france")).unwrap();
        let policy = PolicyFile::load(&dataset.default_policy().unwrap()).unwrap();
        let p = CompiledPolicy::compile(policy, &dataset.territory).unwrap();
        let map = dataset.district_map("epci-2019").unwrap();
        let audit = audit(&dataset.territory, &dataset.graph, &p, Some(&map));
        France { dataset, audit }
    })
}

#[test]
fn communes_districts_and_population() {
    let f = france();
    let s = &f.audit.summary;
    assert_eq!(s.municipalities, 34_970);
    assert_eq!(s.population, 66_618_176);
    assert_eq!(s.districts, 1_259);
    // Codes are text: leading zeros and Corsica's letters survive.
    let t = &f.dataset.territory;
    assert_eq!(t.municipalities()[0].code.to_string(), "01001");
    assert!(t
        .municipalities()
        .iter()
        .any(|m| m.code.to_string() == "2A004"));
    let under = |n: u64| {
        f.audit
            .districts
            .iter()
            .filter(|d| d.population < n)
            .count()
    };
    assert_eq!((under(15_000), under(5_000)), (352, 8));
    let smallest = f
        .audit
        .districts
        .iter()
        .min_by_key(|d| d.population)
        .unwrap();
    assert_eq!(
        (
            smallest.name.as_str(),
            smallest.population,
            smallest.municipalities
        ),
        ("CC du Causse de Labastide Murat", 3_869, 17)
    );
    assert_eq!(smallest.group.as_deref(), Some("46"));
}

#[test]
fn every_epci_under_15000_has_the_peer_verdict() {
    let f = france();
    let text = std::fs::read_to_string(root().join("bench/france/peer_audit.csv")).unwrap();
    let mut peer = BTreeMap::new();
    for line in text.lines().skip(1) {
        // epci,population,class,threshold,status,departement; names may hold quoted commas
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        let rec = r.records().next().unwrap().unwrap();
        peer.insert(
            rec[0].to_string(),
            (
                rec[1].parse::<u64>().unwrap(),
                rec[2].to_string(),
                rec[3].parse::<f64>().unwrap(),
                rec[4].to_string(),
                rec[5].to_string(),
            ),
        );
    }
    assert_eq!(peer.len(), 352);
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    for d in f.audit.districts.iter().filter(|d| d.population < 15_000) {
        let (pop, class, threshold, status, dep) = &peer[&d.name];
        assert_eq!(d.population, *pop, "{}", d.name);
        assert_eq!(&d.class, class, "{}", d.name);
        assert!((d.threshold - threshold).abs() < 5e-4, "{}", d.name);
        let ours = match d.status.as_str() {
            s if s.starts_with("unknown: ") => "unknown",
            s => s,
        };
        assert_eq!(ours, status, "{}", d.name);
        assert_eq!(d.group.as_deref(), Some(dep.as_str()), "{}", d.name);
        *by_status.entry(d.status.clone()).or_default() += 1;
    }
    // Which rule makes each compliant, or which missing data it would need.
    let classes = |status: &str| {
        let mut c: BTreeMap<&str, usize> = BTreeMap::new();
        for d in f.audit.districts.iter().filter(|d| d.population < 15_000) {
            if d.status == status {
                *c.entry(d.class.as_str()).or_default() += 1;
            }
        }
        c
    };
    assert_eq!(
        classes("compliant"),
        BTreeMap::from([
            ("island-territory", 3),
            ("low-density", 62),
            ("very-low-density", 240)
        ])
    );
    let unknown = "unknown: mountain zone (loi 85-30, art. 3), merger of 2012-2015 (EPCI history)";
    assert_eq!(
        classes(unknown),
        BTreeMap::from([("low-density", 13), ("standard", 26)])
    );
    assert_eq!(
        classes("non-compliant"),
        BTreeMap::from([("very-low-density", 8)])
    );
    assert_eq!(by_status.values().sum::<usize>(), 352);
    // A weighted threshold in words: the whole inhabitants it takes, and the exact value.
    let berg = f
        .audit
        .districts
        .iter()
        .find(|d| d.name == "CC Berg et Coiron")
        .unwrap();
    assert_eq!(berg.threshold_text, "at least 8,400 (8,399.32)");
    assert_eq!(berg.shortfall, 8_400 - 7_587);
    let s = &f.audit.summary;
    // Every EPCI of 15,000 or more complies (standard class).
    assert_eq!(
        (
            s.compliant_districts,
            s.unknown_districts,
            s.non_compliant_districts
        ),
        (1_259 - 352 + 305, 39, 8)
    );
}

#[test]
fn the_island_communes_in_no_epci_are_exempt_by_name() {
    let f = france();
    let names: Vec<(&str, &str, bool)> = f
        .audit
        .unassigned
        .iter()
        .map(|u| (u.code.as_str(), u.name.as_str(), u.exemption.is_some()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("22016", "Île-de-Bréhat", true),
            ("29083", "Île-de-Sein", true),
            ("29155", "Ouessant", true),
            ("85113", "L'Île-d'Yeu", true),
        ]
    );
    assert_eq!(f.audit.summary.unassigned_exempt, 4);
    assert_eq!(
        f.audit.summary.unassigned_population,
        66_618_176 - 66_611_937
    );
}

#[test]
fn seventeen_epci_are_split_and_named_with_their_parts() {
    let f = france();
    // The source build's list (facts.json `epci_not_contiguous_list`): name and part sizes.
    let expected: Vec<(&str, Vec<usize>)> = vec![
        ("Brest Métropole", vec![7, 1]),
        ("CA CAP Excellence", vec![2, 1]),
        (
            "CA Golfe du Morbihan - Vannes Agglomération",
            vec![32, 1, 1],
        ),
        ("CA Grand Sud Caraïbe", vec![9, 1, 1]),
        ("CA La Riviéra du Levant", vec![3, 1]),
        ("CA Lorient Agglomération", vec![20, 3, 1, 1]),
        ("CA Rochefort Océan", vec![24, 1]),
        ("CA Tarbes-Lourdes-Pyrénées", vec![83, 2, 1]),
        ("CA de Cambrai", vec![52, 3]),
        ("CC Auray Quiberon Terre Atlantique", vec![22, 1, 1]),
        ("CC Haut-Léon Communauté", vec![13, 1]),
        ("CC Presqu'île de Crozon-Aulne maritime", vec![7, 3]),
        ("CC Terre Lorraine du Longuyonnais", vec![26, 1]),
        ("CC de l'Est Lyonnais (CCEL)", vec![7, 1]),
        ("CC du Pays Arnay Liernais", vec![33, 1]),
        ("CC du Pays d'Iroise", vec![18, 1]),
        ("CC du Pays de Sainte-Odile", vec![5, 1]),
    ];
    let mut split: Vec<(&str, Vec<usize>)> = f
        .audit
        .districts
        .iter()
        .filter(|d| d.contiguous_parts > 1)
        .map(|d| (d.name.as_str(), d.parts.iter().map(Vec::len).collect()))
        .collect();
    split.sort();
    assert_eq!(split, expected);
    assert_eq!(f.audit.summary.non_contiguous_districts, 17);
    let rochefort = f
        .audit
        .districts
        .iter()
        .find(|d| d.name == "CA Rochefort Océan")
        .unwrap();
    assert_eq!(rochefort.parts[1], vec!["17004 Île-d'Aix".to_string()]);
}

#[test]
fn figures_by_departement() {
    let f = france();
    let g = &f.audit.groups;
    // 96 metropolitan departements (Corsica as 2A and 2B) and 5 overseas.
    assert_eq!(g.len(), 101);
    assert_eq!(g.iter().map(|x| x.districts).sum::<usize>(), 1_259);
    assert_eq!(g.iter().map(|x| x.municipalities).sum::<usize>(), 34_970);
    assert_eq!(g.iter().map(|x| x.population).sum::<u64>(), 66_618_176);
    let finistere = g.iter().find(|x| x.group == "29").unwrap();
    // Île-de-Sein and Ouessant are in no EPCI.
    assert_eq!(finistere.unassigned, 2);
}

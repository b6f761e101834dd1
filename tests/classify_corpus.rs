//! Runs the reply classifier over the two fixture corpora and asserts every
//! file: tests/fixtures/replies (the original corpus) and
//! tests/fixtures/replies-heldout (written later from READING.md alone). With
//! `--nocapture` it prints per-class recall, date accuracy and wrong `paid`s.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use relance::classify::classify_file_bytes;
use relance::domain::ReplyClass;
use rust_decimal::Decimal;

struct Expected {
    file: String,
    class: ReplyClass,
    date: Option<String>,
    amount: Option<Decimal>,
}

fn expectations(dir: &Path) -> Vec<Expected> {
    let tsv = std::fs::read_to_string(dir.join("expected.tsv")).unwrap();
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 4, "bad expected.tsv line: {line}");
            let opt = |s: &str| (s != "-").then(|| s.to_string());
            Expected {
                file: cols[0].to_string(),
                class: cols[1].parse().unwrap(),
                date: opt(cols[2]),
                amount: opt(cols[3]).map(|a| Decimal::from_str(&a).unwrap()),
            }
        })
        .collect()
}

fn eml_count(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "eml")
        })
        .count()
}

#[derive(Default)]
struct Tally {
    per_class: BTreeMap<&'static str, (usize, usize)>,
    dates: (usize, usize),
    wrong_paid: usize,
    failures: Vec<String>,
}

impl Tally {
    fn print(&self, name: &str, total: usize) {
        println!("{name}: class recall by expected class:");
        for (class, (ok, n)) in &self.per_class {
            println!("  {class:<9} {ok:>3}/{n:<3} {:>5.1}%", pct(*ok, *n));
        }
        let ok: usize = self.per_class.values().map(|v| v.0).sum();
        println!("  {:<9} {ok:>3}/{total:<3} {:>5.1}%", "all", pct(ok, total));
        let (dok, dn) = self.dates;
        println!("  date accuracy: {dok}/{dn} {:.1}%", pct(dok, dn));
        println!("  read as paid but not paid: {}", self.wrong_paid);
    }
}

fn pct(ok: usize, n: usize) -> f64 {
    100.0 * ok as f64 / n.max(1) as f64
}

fn run_corpus(name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let cases = expectations(&dir);
    assert_eq!(
        eml_count(&dir),
        cases.len(),
        "every .eml needs a line in expected.tsv"
    );
    assert!(cases.len() >= 150, "the corpus has {} replies", cases.len());

    let mut tally = Tally::default();
    for case in &cases {
        let raw = std::fs::read(dir.join(&case.file)).unwrap();
        let got = classify_file_bytes(&raw);
        let got_date = got.date.map(|d| d.format("%Y-%m-%d").to_string());
        let entry = tally.per_class.entry(case.class.as_str()).or_default();
        entry.1 += 1;
        let class_ok = got.class == case.class;
        entry.0 += usize::from(class_ok);
        tally.wrong_paid += usize::from(got.class == ReplyClass::Paid && !class_ok);
        if case.date.is_some() || got_date.is_some() {
            tally.dates.1 += 1;
            tally.dates.0 += usize::from(got_date == case.date);
        }
        let amount_ok = case.amount.is_none() || got.amount == case.amount;
        if !class_ok || got_date != case.date || !amount_ok {
            tally.failures.push(format!(
                "{}: want {} {:?} {:?}, got {} {:?} {:?} ({:?})",
                case.file,
                case.class,
                case.date,
                case.amount,
                got.class,
                got_date,
                got.amount,
                got.evidence
            ));
        }
    }
    tally.print(name, cases.len());
    assert!(
        tally.failures.is_empty(),
        "{} failures:\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
}

#[test]
fn corpus_matches_expectations() {
    run_corpus("replies");
}

#[test]
fn heldout_corpus_matches_expectations() {
    run_corpus("replies-heldout");
}

//! Runs the reply classifier over the fixture corpus
//! (tests/fixtures/replies/*.eml, expectations in expected.tsv) and asserts
//! every file. With `--nocapture` it prints accuracy per class and for dates.

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

#[test]
fn corpus_matches_expectations() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/replies");
    let cases = expectations(&dir);
    let on_disk = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "eml")
        })
        .count();
    assert_eq!(
        on_disk,
        cases.len(),
        "every .eml needs a line in expected.tsv"
    );
    assert!(cases.len() >= 150, "the corpus has {} replies", cases.len());

    let mut per_class: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let (mut dates_ok, mut dates_total) = (0, 0);
    let mut failures = Vec::new();
    for case in &cases {
        let raw = std::fs::read(dir.join(&case.file)).unwrap();
        let got = classify_file_bytes(&raw);
        let got_date = got.date.map(|d| d.format("%Y-%m-%d").to_string());
        let entry = per_class.entry(case.class.as_str()).or_default();
        entry.1 += 1;
        let class_ok = got.class == case.class;
        entry.0 += usize::from(class_ok);
        if case.date.is_some() || got_date.is_some() {
            dates_total += 1;
            dates_ok += usize::from(got_date == case.date);
        }
        let amount_ok = case.amount.is_none() || got.amount == case.amount;
        if !class_ok || got_date != case.date || !amount_ok {
            failures.push(format!(
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
    println!("class accuracy by expected class:");
    for (class, (ok, total)) in &per_class {
        println!(
            "  {class:<9} {ok:>3}/{total:<3} {:>5.1}%",
            100.0 * *ok as f64 / *total as f64
        );
    }
    let ok: usize = per_class.values().map(|v| v.0).sum();
    println!(
        "  {:<9} {ok:>3}/{:<3} {:>5.1}%",
        "all",
        cases.len(),
        100.0 * ok as f64 / cases.len() as f64
    );
    println!(
        "date accuracy: {dates_ok}/{dates_total} {:.1}%",
        100.0 * dates_ok as f64 / dates_total.max(1) as f64
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

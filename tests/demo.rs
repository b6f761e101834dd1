//! `relance demo` through the real binary: the story of the sample mailbox
//! (demo/mailbox/README.md) as the files it writes and the timeline it
//! prints.

use std::path::Path;
use std::process::Command;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Weekday};

/// One written message: `NN-YYYY-MM-DD-<client>-<kind>.eml`.
#[derive(Debug)]
struct Written {
    date: NaiveDate,
    client: String,
    kind: String,
    text: String,
}

impl Written {
    fn header(&self, name: &str) -> String {
        let prefix = format!("{name}:");
        let mut lines = self.text.split("\r\n");
        let mut value = String::new();
        while let Some(line) = lines.next() {
            if line.is_empty() {
                break;
            }
            if line
                .to_ascii_lowercase()
                .starts_with(&prefix.to_ascii_lowercase())
            {
                value = line[prefix.len()..].trim().to_string();
                for more in lines.by_ref() {
                    if more.starts_with([' ', '\t']) {
                        value.push(' ');
                        value.push_str(more.trim());
                    } else {
                        break;
                    }
                }
                break;
            }
        }
        value
    }

    fn is_client_email(&self) -> bool {
        self.kind.starts_with("step") && self.kind.ends_with("-email")
    }
}

const CLIENTS: &[&str] = &[
    "librairie-des-canuts-sarl",
    "studio-lumiere-sarl",
    "traiteur-morel",
    "boulangerie-martin",
    "brightline-ltd",
    "garage-petit",
    "cabinet-roche",
    "claire",
];

fn run_demo(out: &Path) -> (String, Vec<Written>) {
    let output = Command::new(env!("CARGO_BIN_EXE_relance"))
        .args(["demo", "--out"])
        .arg(out)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut written = Vec::new();
    for entry in std::fs::read_dir(out).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let Some(stem) = name.strip_suffix(".eml") else {
            continue;
        };
        let date = NaiveDate::parse_from_str(&stem[3..13], "%Y-%m-%d").unwrap();
        let rest = &stem[14..];
        let client = CLIENTS
            .iter()
            .find(|c| rest.starts_with(&format!("{c}-")))
            .unwrap_or_else(|| panic!("unknown client in {name}"));
        written.push(Written {
            date,
            client: client.to_string(),
            kind: rest[client.len() + 1..].to_string(),
            text: String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned(),
        });
    }
    written.sort_by_key(|w| w.date);
    (stdout, written)
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The Message-IDs of the invoices Claire sent (the demo's originals).
fn invoice_ids() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/mailbox/sent");
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .filter_map(|text| {
            text.lines()
                .find(|l| l.starts_with("Message-ID:"))
                .map(|l| l["Message-ID:".len()..].trim().to_string())
        })
        .collect()
}

#[test]
fn the_demo_tells_the_sample_mailbox_story() {
    let dir = tempfile::tempdir().unwrap();
    let (stdout, written) = run_demo(dir.path());
    let of =
        |client: &str| -> Vec<&Written> { written.iter().filter(|w| w.client == client).collect() };

    // Boulangerie Martin: "Virement effectué ce matin" on 21/01 stops it.
    let martin = of("boulangerie-martin");
    assert!(martin.iter().any(|w| w.kind == "step1-email"));
    assert!(martin.iter().any(|w| w.kind == "alert-confirm-paid"));
    assert!(
        martin.iter().all(|w| w.date <= d("2026-01-21")),
        "{martin:#?}"
    );

    // Studio Lumière: promised the 15th, nothing until 15/02 + 2 business
    // days, then the ladder resumes with the "promise not kept" wording.
    let studio = of("studio-lumiere-sarl");
    assert!(
        !studio
            .iter()
            .any(|w| w.kind.starts_with("step")
                && (d("2026-01-23")..d("2026-02-17")).contains(&w.date)),
        "{studio:#?}"
    );
    let resumed = studio
        .iter()
        .find(|w| w.kind.starts_with("step") && w.date >= d("2026-02-17"))
        .expect("the ladder resumes after the broken promise");
    assert_eq!(resumed.date, d("2026-02-17"));
    assert!(
        stdout.lines().any(|l| l.starts_with("2026-02-17")
            && l.contains("Studio")
            && l.contains("promise not kept")),
        "{stdout}"
    );

    // Garage Petit: the dispute pauses it, with an alert to Claire.
    let garage = of("garage-petit");
    assert!(garage.iter().any(|w| w.kind == "alert-dispute"));
    assert!(
        !garage
            .iter()
            .any(|w| w.kind.starts_with("step") && w.date > d("2026-01-26"))
    );

    // Cabinet Roche: away from 2 to 16 March, nothing more before the end.
    let roche = of("cabinet-roche");
    assert!(
        roche
            .iter()
            .any(|w| w.kind == "step4-email" && w.date == d("2026-03-02"))
    );
    assert!(roche.iter().all(|w| w.date <= d("2026-03-02")));
    assert!(stdout.contains("ooo 2026-03-17"), "{stdout}");

    // Librairie des Canuts: step 1 bounces, and goes again to the billing
    // contact from the Factur-X data.
    let canuts: Vec<&Written> = of("librairie-des-canuts-sarl")
        .into_iter()
        .filter(|w| w.kind == "step1-email")
        .collect();
    assert_eq!(canuts.len(), 2, "{canuts:#?}");
    assert!(canuts[0].header("To").contains("marc.lefevre@"));
    assert!(canuts[1].header("To").contains("compta@librairie-canuts"));
    assert!(!canuts[1].header("To").contains("marc.lefevre@"));

    // Traiteur Morel: Claire's own message on 20/01 moves step 2 (planned
    // for 22/01) back; the client then pays part and promises the rest.
    let morel = of("traiteur-morel");
    assert!(
        !morel
            .iter()
            .any(|w| w.kind == "step2-email" && w.date < d("2026-01-27"))
    );
    assert!(stdout.contains("partial 2026-02-28"), "{stdout}");
}

#[test]
fn client_emails_are_threaded_in_the_window_and_never_repeated() {
    let dir = tempfile::tempdir().unwrap();
    let (_, written) = run_demo(dir.path());
    let originals = invoice_ids();
    let paris = chrono_tz::Europe::Paris;
    let mut seen = std::collections::HashSet::new();
    let emails: Vec<&Written> = written.iter().filter(|w| w.is_client_email()).collect();
    assert!(emails.len() >= 10, "{}", emails.len());
    for w in emails {
        assert!(originals.contains(&w.header("In-Reply-To")), "{w:#?}");
        assert!(w.header("Subject").starts_with("Re:"), "{w:#?}");
        let at = DateTime::parse_from_rfc2822(&w.header("Date"))
            .unwrap()
            .with_timezone(&paris);
        let time = at.time();
        assert!(
            !matches!(at.weekday(), Weekday::Sat | Weekday::Sun)
                && time >= NaiveTime::from_hms_opt(9, 0, 0).unwrap()
                && time <= NaiveTime::from_hms_opt(17, 30, 0).unwrap(),
            "sent outside the window: {at}"
        );
        let once = (w.client.clone(), w.kind.clone(), w.header("To"));
        assert!(seen.insert(once), "sent twice: {w:#?}");
    }
}

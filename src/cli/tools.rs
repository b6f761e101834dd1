//! Commands that read `.eml` files and need no database: `detect` and
//! `classify`. One JSON object per line with `--json` (SPEC §8), a readable
//! line per file otherwise.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::config::Config;
use crate::{classify, detect};

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// `relance detect FILE.eml...`
pub fn detect(config: &Config, files: &[PathBuf], json: bool) -> anyhow::Result<ExitCode> {
    let rules = config.detect_rules();
    for path in files {
        let raw = read(path)?;
        let name = path.display().to_string();
        let found = detect::detect(&raw, &rules);
        if json {
            println!("{}", detect::to_json(&name, found.as_ref()));
            continue;
        }
        match found {
            None => println!("{name}: not an invoice"),
            Some(inv) => println!(
                "{name}: {:?} {} of {} issued {} due {} to {} ({})",
                inv.kind,
                inv.number,
                inv.amount.format(config.company.language),
                inv.issue_date,
                inv.due_date,
                inv.client_emails
                    .iter()
                    .map(|e| e.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                inv.source.as_str(),
            ),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `relance classify FILE.eml...`: reading needs no configuration; the
/// language is detected from the text and dates use its calendar.
pub fn classify(files: &[PathBuf], json: bool) -> anyhow::Result<ExitCode> {
    for path in files {
        let raw = read(path)?;
        let name = path.display().to_string();
        let reading = classify::classify_file_bytes(&raw);
        if json {
            println!("{}", reading.to_json(&name));
            continue;
        }
        let date = reading
            .date
            .map_or_else(String::new, |d| format!(" {}", d.format("%Y-%m-%d")));
        let amount = reading
            .amount
            .map_or_else(String::new, |a| format!(" amount {a}"));
        println!(
            "{name}: {}{date}{amount} — \"{}\"",
            reading.class, reading.evidence
        );
    }
    Ok(ExitCode::SUCCESS)
}

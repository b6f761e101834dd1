//! `relance import FILE.csv`. The header line is required and names the
//! columns, in any order: `number`, `client_email`, `amount` and `issue_date`
//! are required; `client_name`, `currency` (default: `detect.default-currency`)
//! and `due_date` (default: issue date + `detect.payment-terms-days`) may be
//! missing or empty. Comma or semicolon separated (as the header shows);
//! dates `YYYY-MM-DD` or `DD/MM/YYYY`; amounts `1250.00` or `1 250,00`.
//! Every bad row is reported with its line; one bad row imports nothing.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use csv::StringRecord;

use super::Session;
use crate::calendar;
use crate::domain::{ClientId, Currency, EmailAddress, InvoiceId, InvoiceNumber, Money};
use crate::store::{ImportReport, ImportRow, Store};

/// The columns of the import file, by header name.
const COLUMNS: [&str; 7] = [
    "number",
    "client_email",
    "client_name",
    "amount",
    "currency",
    "issue_date",
    "due_date",
];
const REQUIRED: [&str; 4] = ["number", "client_email", "amount", "issue_date"];

/// What fills an empty optional cell.
#[derive(Debug, Clone, Copy)]
struct Defaults {
    currency: Currency,
    payment_terms_days: u32,
}

/// Column name -> index in the record.
type Layout = HashMap<&'static str, usize>;

fn layout(headers: &StringRecord) -> Result<Layout, Vec<String>> {
    let mut layout = Layout::new();
    let mut problems = Vec::new();
    for (i, name) in headers.iter().enumerate() {
        let name = name.trim().to_ascii_lowercase();
        match COLUMNS.iter().find(|c| **c == name) {
            Some(c) if layout.contains_key(c) => {
                problems.push(format!("line 1: column '{c}' appears twice"));
            }
            Some(c) => {
                layout.insert(c, i);
            }
            None => problems.push(format!(
                "line 1: unknown column '{name}', expected: {}",
                COLUMNS.join(",")
            )),
        }
    }
    for c in REQUIRED.iter().filter(|c| !layout.contains_key(*c)) {
        problems.push(format!("line 1: missing column '{c}'"));
    }
    if problems.is_empty() {
        Ok(layout)
    } else {
        Err(problems)
    }
}

fn parse_date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%d/%m/%Y"))
        .ok()
}

/// One data row, or everything wrong with it.
fn row(rec: &StringRecord, layout: &Layout, line: usize, d: Defaults) -> Result<ImportRow, String> {
    let cell = |c: &str| layout.get(c).and_then(|&i| rec.get(i)).unwrap_or("").trim();
    let mut problems = Vec::new();
    let number = cell("number");
    if number.is_empty() {
        problems.push("number is empty".to_string());
    }
    let email = EmailAddress::parse(cell("client_email"));
    if email.is_none() {
        problems.push(format!(
            "client_email '{}' is not an email address",
            cell("client_email")
        ));
    }
    let amount = super::parse_amount(cell("amount"))
        .map_err(|e| problems.push(e))
        .ok();
    let currency = match cell("currency") {
        "" => Some(d.currency),
        raw => Currency::parse(raw).or_else(|| {
            problems.push(format!(
                "currency '{raw}' is not a three-letter code such as EUR"
            ));
            None
        }),
    };
    let date = |name: &str, problems: &mut Vec<String>| match cell(name) {
        "" => {
            problems.push(format!("{name} is empty"));
            None
        }
        raw => parse_date(raw).or_else(|| {
            problems.push(format!(
                "{name} '{raw}' is not a date (YYYY-MM-DD or DD/MM/YYYY)"
            ));
            None
        }),
    };
    let issue = date("issue_date", &mut problems);
    let due = if cell("due_date").is_empty() {
        issue.map(|i| calendar::add_days(i, d.payment_terms_days))
    } else {
        date("due_date", &mut problems)
    };
    if let (Some(issue), Some(due)) = (issue, due)
        && due < issue
    {
        problems.push(format!("due_date {due} is before issue_date {issue}"));
    }
    match (email, amount, currency, issue, due) {
        (Some(client_email), Some(amount), Some(currency), Some(issue_date), Some(due_date))
            if problems.is_empty() =>
        {
            Ok(ImportRow {
                line,
                number: InvoiceNumber(number.to_string()),
                client_email,
                client_name: cell("client_name").to_string(),
                amount: Money::new(amount, currency),
                issue_date,
                due_date,
            })
        }
        _ => Err(format!("line {line}: {}", problems.join("; "))),
    }
}

/// Reads the whole file: the valid rows and every problem found.
fn parse(text: &[u8], d: Defaults) -> (Vec<ImportRow>, Vec<String>) {
    let first_line = text.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = if first_line.contains(&b';') && !first_line.contains(&b',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(text);
    let layout = match reader.headers() {
        Ok(h) => match layout(h) {
            Ok(l) => l,
            Err(problems) => return (Vec::new(), problems),
        },
        Err(e) => {
            return (
                Vec::new(),
                vec![format!("line 1: cannot read the header: {e}")],
            );
        }
    };
    let (mut rows, mut problems) = (Vec::new(), Vec::new());
    let mut lines = LineCounter::new(text);
    for record in reader.records() {
        match record {
            Ok(rec) => {
                let line = lines.at(rec.position());
                match row(&rec, &layout, line, d) {
                    Ok(r) => rows.push(r),
                    Err(p) => problems.push(p),
                }
            }
            Err(e) => {
                let line = lines.at(e.position());
                problems.push(format!("line {line}: {}", csv_problem(&e)));
            }
        }
    }
    (rows, problems)
}

/// Line numbers from byte offsets: the csv reader's own line count skips
/// blank lines, which would send the user to the wrong line.
struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a [u8]) -> LineCounter<'a> {
        LineCounter {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// The line of `pos`; positions come in increasing order.
    fn at(&mut self, pos: Option<&csv::Position>) -> usize {
        let Some(byte) = pos.map(|p| p.byte() as usize) else {
            return self.line;
        };
        // A record's position may be that of the blank lines before it.
        let blank = self
            .text
            .get(byte..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let byte = byte + blank;
        if byte > self.offset {
            let end = byte.min(self.text.len());
            let skipped = self.text.get(self.offset..end).unwrap_or_default();
            self.line += skipped.iter().filter(|b| **b == b'\n').count();
            self.offset = end;
        }
        self.line
    }
}

fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("{len} fields where the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text".to_string(),
        _ => e.to_string(),
    }
}

/// Rows that repeat an invoice of the file with different values.
fn file_conflicts(rows: &[ImportRow]) -> Vec<String> {
    let mut seen: HashMap<(&EmailAddress, &InvoiceNumber), &ImportRow> = HashMap::new();
    let mut problems = Vec::new();
    for r in rows {
        match seen.get(&(&r.client_email, &r.number)) {
            Some(first)
                if (first.amount, first.issue_date, first.due_date)
                    != (r.amount, r.issue_date, r.due_date) =>
            {
                problems.push(format!(
                    "line {}: invoice '{}' of {} is also on line {} with other values",
                    r.line, r.number, r.client_email, first.line
                ));
            }
            Some(_) => {}
            None => {
                seen.insert((&r.client_email, &r.number), r);
            }
        }
    }
    problems
}

/// Rows that contradict an invoice already in the database.
fn store_conflicts(store: &Store, rows: &[ImportRow]) -> anyhow::Result<Vec<String>> {
    let mut problems = Vec::new();
    for r in rows {
        let Some(client) = store.find_client_by_address(&r.client_email)? else {
            continue;
        };
        let Some(id) = store.find_invoice(client, &r.number)? else {
            continue;
        };
        let held = store.invoice(id)?;
        if (held.amount, held.issue_date, held.due_date) != (r.amount, r.issue_date, r.due_date) {
            problems.push(format!(
                "line {}: invoice '{}' of {} is already recorded as {} {} issued {} due {}",
                r.line,
                r.number,
                r.client_email,
                held.amount.amount,
                held.amount.currency,
                held.issue_date,
                held.due_date
            ));
        }
    }
    Ok(problems)
}

/// `relance import FILE.csv`.
pub(in crate::cli) fn import(s: &Session, path: &Path) -> anyhow::Result<ExitCode> {
    let text = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let defaults = Defaults {
        currency: s.config.detect.default_currency,
        payment_terms_days: s.config.detect.payment_terms_days,
    };
    let (rows, mut problems) = parse(&text, defaults);
    problems.extend(file_conflicts(&rows));
    problems.extend(store_conflicts(&s.store, &rows)?);
    if !problems.is_empty() {
        problems.sort_by_key(|p| line_of(p));
        let n = problems.len();
        bail!(
            "{}: {n} problem{}, nothing imported:\n  {}",
            path.display(),
            if n == 1 { "" } else { "s" },
            problems.join("\n  ")
        );
    }
    if rows.is_empty() {
        println!("{}: no invoices to import", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    let report = record(s, path, &rows)?;
    println!(
        "imported {}: {} invoice{} created, {} already present, {} new client{}",
        path.display(),
        report.created.len(),
        if report.created.len() == 1 { "" } else { "s" },
        report.existing.len(),
        report.new_clients.len(),
        if report.new_clients.len() == 1 {
            ""
        } else {
            "s"
        },
    );
    Ok(ExitCode::SUCCESS)
}

fn line_of(problem: &str) -> usize {
    problem
        .strip_prefix("line ")
        .and_then(|rest| rest.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Imports the rows with the command and one audit entry per client, in
/// one transaction.
fn record(s: &Session, path: &Path, rows: &[ImportRow]) -> anyhow::Result<ImportReport> {
    let file = path.display().to_string();
    Ok(s.store.transaction(|st| {
        let report = st.import_invoices(rows)?;
        st.record_command(&s.command("import", &[&file]), &[])?;
        let mut by_client: BTreeMap<ClientId, Vec<InvoiceId>> = BTreeMap::new();
        for id in &report.created {
            by_client
                .entry(st.invoice(*id)?.client)
                .or_default()
                .push(*id);
        }
        for (client, invoices) in by_client {
            let decision = format!("{} invoice(s) imported from {file}", invoices.len());
            st.append_audit(&s.audit(
                client,
                invoices,
                decision,
                format!("relance import {file}"),
            ))?;
        }
        Ok(report)
    })?)
}

#[cfg(test)]
mod tests;

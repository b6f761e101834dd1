//! `relance simulate`: the plan the engine would follow for every client,
//! nothing else happening (no reply, payment or command), from `--from`
//! (default: now) to the end of `--until` (default: 60 days after the
//! start), local dates. Sorted by date, then client; with `--json` one
//! SPEC §8 object per line.

use std::process::ExitCode;

use anyhow::bail;
use chrono::{Days, NaiveDate, NaiveTime};

use super::{action_label, table};
use crate::cli::ledger::{Session, emit};
use crate::engine::{self, PlannedStep};

/// How far ahead the plan looks without `--until`.
const DEFAULT_DAYS: u64 = 60;

/// The plan of every case between the two local dates, sorted.
fn plan(
    s: &Session,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> anyhow::Result<Vec<PlannedStep>> {
    let window = &s.config.sequence.window;
    let (start, first_day) = match from {
        Some(d) => (window.instant(d, NaiveTime::MIN), d),
        None => (s.now, s.today()),
    };
    let last_day = match until {
        Some(d) => d,
        None => first_day
            .checked_add_days(Days::new(DEFAULT_DAYS))
            .unwrap_or(NaiveDate::MAX),
    };
    if last_day < first_day {
        bail!("--until {last_day} is before the start of the plan ({first_day})");
    }
    let end = last_day
        .succ_opt()
        .map_or(chrono::DateTime::<chrono::Utc>::MAX_UTC, |d| {
            window.instant(d, NaiveTime::MIN)
        });
    let config = &s.config;
    let mut steps = super::per_case(&s.store.load_all_cases()?, |case| {
        let mut plan = engine::simulate(case, &config.policy_for_case(case), start, end);
        plan.retain(|p| p.at < end);
        plan
    });
    // A stable sort keeps each client's actions in the engine's order.
    steps.sort_by(|a, b| (a.date, &a.client).cmp(&(b.date, &b.client)));
    Ok(steps)
}

/// `relance simulate [--from DATE] [--until DATE] [--json]`.
pub(in crate::cli) fn simulate(
    s: &Session,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let steps = plan(s, from, until)?;
    emit(|out| {
        if json {
            for step in &steps {
                serde_json::to_writer(&mut *out, step)?;
                writeln!(out)?;
            }
            return Ok(());
        }
        if steps.is_empty() {
            return writeln!(out, "Nothing planned.");
        }
        let rows: Vec<Vec<String>> = steps
            .iter()
            .map(|p| {
                let numbers: Vec<&str> = p.invoices.iter().map(|n| n.0.as_str()).collect();
                vec![
                    s.local(p.at),
                    p.client.clone(),
                    p.step.to_string(),
                    action_label(p.action).to_string(),
                    numbers.join(", "),
                ]
            })
            .collect();
        let headers = ["WHEN", "CLIENT", "STEP", "ACTION", "INVOICES"];
        out.write_all(table::render(&headers, &[false, false, true], &rows).as_bytes())
    })?;
    Ok(ExitCode::SUCCESS)
}

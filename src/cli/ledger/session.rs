//! What every database command shares: the configuration, the database the
//! daemon uses (WAL, so both run at once), the instant the command runs at
//! (from `--now` or the clock, never read here), and how a command reports
//! what it changed. Output goes through [`emit`] so `relance status | head`
//! ends quietly.

use std::io::{BufWriter, Write};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::cli::report::{self, StatusRow};
use crate::config::Config;
use crate::domain::{ClientId, InvoiceId, Money};
use crate::store::{Actor, NewAudit, NewCommand, Store};

/// A command's view of the world.
pub(in crate::cli) struct Session {
    pub config: Config,
    pub store: Store,
    pub now: DateTime<Utc>,
}

impl Session {
    /// Opens the configured database (creating it on first use).
    pub fn open(config: Config, now: DateTime<Utc>) -> anyhow::Result<Session> {
        let store = Store::open(&config.state.database)?;
        Ok(Session { config, store, now })
    }

    /// Opens the database for a command that writes: the first run date is
    /// recorded if absent, since it is the default `since` of the daemon.
    pub fn open_for_writing(config: Config, now: DateTime<Utc>) -> anyhow::Result<Session> {
        let s = Session::open(config, now)?;
        s.store.ensure_first_run_date(s.today())?;
        Ok(s)
    }

    /// The user's time zone.
    pub fn tz(&self) -> Tz {
        self.config.company.time_zone
    }

    /// Today in the user's time zone.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.tz()).date_naive()
    }

    /// `t` as local date and time for people: "2026-03-04 10:00".
    pub fn local(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.tz())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    /// An amount in the user's language.
    pub fn money(&self, m: Money) -> String {
        m.format(self.config.company.language)
    }

    /// The record of a command the user ran now.
    pub fn command(&self, name: &str, args: &[&str]) -> NewCommand {
        NewCommand {
            at: self.now,
            name: name.to_string(),
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }

    /// An audit entry for a decision the user took now.
    pub fn audit(
        &self,
        client: ClientId,
        invoices: Vec<InvoiceId>,
        decision: String,
        reason: String,
    ) -> NewAudit {
        NewAudit {
            at: self.now,
            client: Some(client),
            invoices,
            decision,
            reason,
            actor: Actor::User,
        }
    }

    /// Where each invoice of `client` stands now, as `status` shows it.
    pub fn standing(&self, client: ClientId) -> anyhow::Result<Vec<StatusRow>> {
        let case = self.store.load_case(client)?;
        let policy = self.config.policy_for_case(&case);
        Ok(report::case_rows(&case, &policy, self.now, self.tz()))
    }

    /// Prints how the invoices in `concerned` (every one still due when
    /// empty) moved from `before` to `after`: state, step and next action.
    pub fn print_changes(
        &self,
        before: &[StatusRow],
        after: &[StatusRow],
        concerned: &[InvoiceId],
    ) {
        for row in after {
            let listed = if concerned.is_empty() {
                row.state != crate::domain::CaseState::Closed || was_open(before, row.id)
            } else {
                concerned.contains(&row.id)
            };
            if listed {
                let old = before.iter().find(|b| b.id == row.id);
                println!("  {}", self.change_line(old, row));
            }
        }
    }

    fn change_line(&self, old: Option<&StatusRow>, new: &StatusRow) -> String {
        let state = match old {
            Some(old) if old.state != new.state => format!("{} -> {}", old.state, new.state),
            _ => new.state.to_string(),
        };
        let next = match (new.next_action, new.next_at) {
            (Some(kind), Some(at)) => {
                format!("next: {} on {}", report::action_label(kind), self.local(at))
            }
            _ => "nothing planned".to_string(),
        };
        format!(
            "{} ({}): {state}, step {}, {} due; {next}",
            new.number,
            new.client,
            new.step,
            self.money(Money::new(new.amount_due, new.currency)),
        )
    }
}

fn was_open(before: &[StatusRow], id: InvoiceId) -> bool {
    before
        .iter()
        .any(|b| b.id == id && b.state != crate::domain::CaseState::Closed)
}

/// Writes a command's output to stdout through one buffer. A reader that
/// goes away (`| head`) is not an error.
pub(in crate::cli) fn emit(
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

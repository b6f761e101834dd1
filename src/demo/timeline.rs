//! The demo's story as data, and its readable rendering: one aligned line
//! per message in or out (local date and time, client, direction, what was
//! understood or sent, and why), then where each client ended up.

use std::fmt;
use std::path::PathBuf;

use chrono::{DateTime, Datelike};
use chrono_tz::Tz;

/// Which way a line of the timeline goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrow {
    /// A message arrived (in Sent or in INBOX).
    In,
    /// relance sent a message (to a client or to the user).
    Out,
}

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub at: DateTime<Tz>,
    pub client: String,
    pub arrow: Arrow,
    /// What came in and what it was understood as, or what was sent.
    pub what: String,
    /// The engine's reason for a send.
    pub why: Option<String>,
    /// The file written for an outgoing message.
    pub file: Option<PathBuf>,
}

/// Where one client's invoices stand at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSummary {
    pub client: String,
    /// `F-2025-0196 paid-unconfirmed (last step 1)`, one per invoice.
    pub invoices: Vec<String>,
}

/// The whole run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    pub entries: Vec<Entry>,
    pub summary: Vec<ClientSummary>,
    pub out_dir: PathBuf,
}

const CLIENT_WIDTH: usize = 26;
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = WEEKDAYS
            .get(self.at.weekday().num_days_from_monday() as usize)
            .copied()
            .unwrap_or("");
        let arrow = match self.arrow {
            Arrow::In => "<-",
            Arrow::Out => "->",
        };
        let client: String = self.client.chars().take(CLIENT_WIDTH).collect();
        write!(
            f,
            "{} {day} {}  {client:<CLIENT_WIDTH$} {arrow} {}",
            self.at.format("%Y-%m-%d"),
            self.at.format("%H:%M"),
            self.what
        )?;
        if let Some(why) = &self.why {
            write!(f, "\n{:>width$}why: {why}", "", width = 24 + CLIENT_WIDTH)?;
        }
        Ok(())
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "relance demo: Atelier Dupont's mailbox, replayed offline"
        )?;
        writeln!(f)?;
        for entry in &self.entries {
            writeln!(f, "{entry}")?;
        }
        writeln!(f)?;
        writeln!(f, "Where each client stands:")?;
        for client in &self.summary {
            writeln!(f, "  {}", client.client)?;
            for line in &client.invoices {
                writeln!(f, "    {line}")?;
            }
        }
        let sent = self.entries.iter().filter(|e| e.file.is_some()).count();
        writeln!(f)?;
        write!(f, "{sent} messages written to {}", self.out_dir.display())
    }
}

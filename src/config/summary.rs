//! `relance check-config`: what the daemon would do with this file, in
//! plain lines. Secrets appear by source only, never by value.

use std::fmt::Write as _;

use chrono::Weekday;

use super::Config;
use super::model::{
    Auth, ClientConfig, Indemnity, LogFormat, PenaltyRegime, SaveToSent, Server, Tls,
};
use super::values::delay_text;
use crate::calendar::WeekdaySet;
use crate::domain::{Language, Mode, StepAction};
use crate::engine::StepRule;

impl Config {
    /// A readable multi-line account of the configuration.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let c = &self.company;
        let _ = writeln!(out, "Configuration: {}", self.path.display());
        let _ = writeln!(
            out,
            "Company: {} <{}> as \"{}\", {} messages, time zone {}, Message-IDs @{}",
            c.name, c.email, c.sender_name, c.language, c.time_zone, c.domain
        );
        let since = self
            .state
            .since
            .map_or_else(|| "the day of the first run".to_string(), |d| d.to_string());
        let _ = writeln!(
            out,
            "State: {}; invoices sent since {since} are tracked",
            self.state.database.display()
        );
        self.write_mailbox(&mut out);
        self.write_sequence(&mut out);
        self.write_penalties(&mut out);
        self.write_detect(&mut out);
        self.write_clients(&mut out);
        let format = match self.logging.format {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        };
        let _ = writeln!(out, "Logging: {}, {format}", self.logging.level);
        if !self.warnings.is_empty() {
            let _ = writeln!(out, "Warnings:");
            for w in &self.warnings {
                let _ = writeln!(out, "  - {w}");
            }
        }
        out
    }

    fn write_mailbox(&self, out: &mut String) {
        match &self.imap {
            Some(imap) => {
                let f = &imap.folders;
                let auto = |name: &Option<String>, attr: &str| {
                    name.clone().unwrap_or_else(|| format!("the {attr} folder"))
                };
                let _ = writeln!(out, "Mailbox: {}", server(&imap.server));
                let _ = writeln!(
                    out,
                    "  folders: inbox {}, sent {}, drafts {}; {}, polling every {} otherwise",
                    f.inbox,
                    auto(&f.sent, "\\Sent"),
                    auto(&f.drafts, "\\Drafts"),
                    if imap.idle { "IDLE on" } else { "IDLE off" },
                    interval_text(imap.poll_interval)
                );
            }
            None => {
                let _ = writeln!(out, "Mailbox: none");
            }
        }
        if let Some(smtp) = &self.smtp {
            let copy = match smtp.save_to_sent {
                SaveToSent::Auto => "copied to Sent unless the provider already did",
                SaveToSent::Always => "always copied to Sent",
                SaveToSent::Never => "never copied to Sent",
            };
            let _ = writeln!(out, "Sending: {}; {copy}", server(&smtp.server));
        }
    }

    fn write_sequence(&self, out: &mut String) {
        let s = &self.sequence;
        let mode = match s.mode {
            Mode::Send => "send (reminders go out by SMTP)",
            Mode::Draft => "draft (reminders are put in Drafts for you to send)",
            Mode::DryRun => "dry-run (reminders are rendered and logged, nothing is sent)",
        };
        let _ = writeln!(out, "Mode: {mode}");
        let w = &s.window;
        let _ = writeln!(
            out,
            "Window: {} {}–{} {}, {}calendar {}; at most {} messages per hour",
            days_text(w.days),
            w.from.format("%H:%M"),
            w.to.format("%H:%M"),
            w.time_zone,
            if w.skip_holidays {
                "no public holidays, "
            } else {
                ""
            },
            s.calendar,
            s.rate_limit
        );
        let _ = writeln!(out, "Ladder ({}):", s.grouping);
        write_ladder(out, &s.ladder, "  ");
        self.write_timing(out);
    }

    fn write_timing(&self, out: &mut String) {
        let s = &self.sequence;
        let lang = self.company.language;
        let _ = writeln!(
            out,
            "Timing: min-gap {}, manual contact postpones {}, promise grace {}, \
             out-of-office default {}, unconfirmed payment resumes after {}, \
             notice deadline {}, limitation warning {}",
            delay_text(s.min_gap),
            delay_text(s.manual_contact_delay),
            delay_text(s.promise_grace),
            delay_text(s.ooo_default_delay),
            delay_text(s.paid_confirmation_delay),
            delay_text(s.notice_deadline),
            delay_text(s.limitation_warning)
        );
        let notice = if s.notice_requires_confirmation {
            "after your confirmation per client"
        } else {
            "without confirmation"
        };
        let _ = writeln!(
            out,
            "Minimum amount: {}; formal notice {notice}{}; marker in {}",
            s.minimum_amount.format(lang),
            if s.email_notice { ", also emailed" } else { "" },
            if s.marked_subjects {
                "the subject"
            } else {
                "the first line"
            }
        );
        let fore = s.forewarning.map_or_else(
            || "off".into(),
            |t| format!("at {} the day before", t.format("%H:%M")),
        );
        let digest = s.digest.map_or_else(
            || "off".into(),
            |d| format!("{} at {}", weekday_name(d.day), d.at.format("%H:%M")),
        );
        let _ = writeln!(out, "Forewarning: {fore}; weekly digest: {digest}");
    }

    fn write_penalties(&self, out: &mut String) {
        let p = &self.penalties;
        let lang = self.company.language;
        let regime = match p.regime {
            PenaltyRegime::None => {
                let _ = writeln!(out, "Penalties: none stated");
                return;
            }
            PenaltyRegime::FrB2b => "fr-b2b (ECB rate",
            PenaltyRegime::UkB2b => "uk-b2b (Bank of England base rate",
        };
        let rate = match p.contractual_rate {
            Some(r) => format!("contractual rate {r} %"),
            None => format!("{regime} + {} points)", p.margin),
        };
        let table = match p.rates.last() {
            Some(last) => format!(
                "{} dated rates, latest {} % from {}",
                p.rates.len(),
                last.rate,
                last.from
            ),
            None => "no rate table".into(),
        };
        let indemnity = match p.indemnity {
            Indemnity::Flat(m) => format!("{} per invoice", m.format(lang)),
            Indemnity::UkTiered => "£40 / £70 / £100 by debt size".into(),
            Indemnity::None => "none".into(),
        };
        let _ = writeln!(
            out,
            "Penalties: {rate}; {table}; fixed indemnity {indemnity}"
        );
    }

    fn write_detect(&self, out: &mut String) {
        let d = &self.detect;
        let mut sources = Vec::new();
        if d.scan_sent {
            sources.push("Sent folder".to_string());
        }
        if d.factur_x {
            sources.push("Factur-X".to_string());
        }
        if !d.invoice_senders.is_empty() {
            let senders: Vec<String> = d.invoice_senders.iter().map(|a| a.to_string()).collect();
            sources.push(format!("INBOX from {}", senders.join(", ")));
        }
        let r = &d.rules;
        let custom: Vec<&str> = [
            ("subject", r.subject.is_some()),
            ("body", r.body.is_some()),
            ("attachment-name", r.attachment_name.is_some()),
            ("number", r.number.is_some()),
            ("amount", r.amount.is_some()),
            ("currency", r.currency.is_some()),
            ("issue-date", r.issue_date.is_some()),
            ("due-date", r.due_date.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect();
        let rules = if custom.is_empty() {
            "built-in rules".to_string()
        } else {
            format!("your rules for {}", custom.join(", "))
        };
        let _ = writeln!(
            out,
            "Invoices: from {}; {rules}; payment terms {} days; default currency {}",
            if sources.is_empty() {
                "CLI import only".into()
            } else {
                sources.join(", ")
            },
            d.payment_terms_days,
            d.default_currency
        );
        let templates = self.templates_dir.as_ref().map_or_else(
            || "built-in".into(),
            |p| format!("{} then built-in", p.display()),
        );
        let _ = writeln!(out, "Templates: {templates}");
    }

    fn write_clients(&self, out: &mut String) {
        if self.clients.is_empty() {
            let _ = writeln!(out, "Clients: no overrides");
            return;
        }
        let _ = writeln!(out, "Clients:");
        for c in &self.clients {
            let _ = writeln!(out, "  {}", client_line(c, self.company.language));
            if let Some(ladder) = &c.ladder {
                write_ladder(out, ladder, "    ");
            }
        }
    }
}

fn server(s: &Server) -> String {
    let tls = match s.tls {
        Tls::Implicit => "TLS",
        Tls::StartTls => "STARTTLS",
        Tls::None => "no TLS",
    };
    let auth = match &s.auth {
        Auth::Password(secret) => format!("password from {}", secret.source()),
        Auth::XOAuth2(secret) => format!("XOAUTH2 token from {}", secret.source()),
    };
    let ca = s
        .ca_file
        .as_ref()
        .map_or_else(String::new, |p| format!(", extra CA {}", p.display()));
    format!(
        "{}:{} ({tls}) as {}, {auth}{ca}",
        s.host, s.port, s.username
    )
}

fn write_ladder(out: &mut String, ladder: &[StepRule], indent: &str) {
    for (i, step) in ladder.iter().enumerate() {
        let action = match step.action {
            StepAction::Email => "email",
            StepAction::CallTask => "call task",
            StepAction::Notice => "formal notice",
        };
        let _ = writeln!(
            out,
            "{indent}{}. {action:<13} due + {:<17} template {}",
            i + 1,
            delay_text(step.delay),
            step.template
        );
    }
}

fn client_line(c: &ClientConfig, lang: Language) -> String {
    let mut matches: Vec<String> = c.emails.iter().map(|e| e.to_string()).collect();
    matches.extend(c.domains.iter().map(|d| format!("@{d}")));
    let mut parts = Vec::new();
    if c.exclude {
        parts.push("excluded".to_string());
    }
    if let Some(g) = c.grouping {
        parts.push(g.to_string());
    }
    if let Some(l) = c.language {
        parts.push(format!("in {l}"));
    }
    if let Some(m) = c.minimum_amount {
        parts.push(format!("minimum {}", m.format(lang)));
    }
    if let Some(b) = &c.billing_contact {
        parts.push(format!("billing contact {b}"));
    }
    if c.notice_confirmed {
        parts.push("formal notice confirmed".into());
    }
    if c.ladder.is_some() {
        parts.push("own ladder:".into());
    }
    let name = c.name.as_deref().unwrap_or("(unnamed)");
    format!("{name} [{}]: {}", matches.join(", "), parts.join(", "))
}

/// "mon-fri", "mon,wed-fri": runs of three or more days as ranges.
fn days_text(days: WeekdaySet) -> String {
    let all = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    let mut runs: Vec<(Weekday, Weekday, usize)> = Vec::new();
    for d in all.into_iter().filter(|d| days.contains(*d)) {
        match runs.last_mut() {
            Some((_, last, len)) if last.succ() == d => {
                *last = d;
                *len += 1;
            }
            _ => runs.push((d, d, 1)),
        }
    }
    let parts: Vec<String> = runs
        .into_iter()
        .flat_map(|(first, last, len)| match len {
            1 => vec![weekday_name(first).to_string()],
            2 => vec![weekday_name(first).into(), weekday_name(last).into()],
            _ => vec![format!("{}-{}", weekday_name(first), weekday_name(last))],
        })
        .collect();
    parts.join(",")
}

fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

fn interval_text(d: std::time::Duration) -> String {
    let s = d.as_secs();
    let (n, unit) = if s.is_multiple_of(3600) {
        (s / 3600, "hour")
    } else if s.is_multiple_of(60) {
        (s / 60, "minute")
    } else {
        (s, "second")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

//! Auto-replies and bounces: headers first (Auto-Submitted, X-Autoreply,
//! Precedence, multipart/report with an RFC 3464 delivery-status part,
//! mailer-daemon senders), wording second ("Réponse automatique",
//! "Undeliverable", "Mail delivery failed"). A bounce names the addresses
//! that failed.

use std::sync::LazyLock;

use mail_parser::Message;
use regex::Regex;

use crate::classify::norm::{head, normalize};
use crate::classify::text::{Extracted, header_text, parts_of_type, report_type};
use crate::domain::EmailAddress;

mod phrases;
use phrases::*;

/// What kind of machine-written message this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoKind {
    Bounce,
    OutOfOffice,
}

/// The verdict on an automatic message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Auto {
    pub kind: AutoKind,
    /// The line that decided it (a Status line, the subject, a phrase).
    pub evidence: String,
    /// For bounces: the recipients that failed.
    pub failed: Vec<EmailAddress>,
    /// True when headers or the subject say so; false when only the body's
    /// wording does (a human may write "I was out of office").
    pub certain: bool,
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
        .expect("the address pattern is a valid constant")
});

fn contains_any(norm: &str, phrases: &[&'static str]) -> Option<&'static str> {
    phrases.iter().copied().find(|p| norm.contains(p))
}

/// Classifies `msg` as a bounce or an out-of-office reply, or `None` when it
/// reads as written by a person. `new_text` is the isolated body.
pub fn detect(msg: &Message, ex: &Extracted, new_text: &str) -> Option<Auto> {
    if let Some(bounce) = bounce(msg, ex) {
        return Some(bounce);
    }
    out_of_office(msg, ex, new_text)
}

fn bounce(msg: &Message, ex: &Extracted) -> Option<Auto> {
    let report = report_type(msg);
    let mut dsn_parts = parts_of_type(msg, "message", "delivery-status");
    dsn_parts.extend(parts_of_type(msg, "message", "global-delivery-status"));
    if !dsn_parts.is_empty() {
        let report = parse_dsn(&dsn_parts.join("\n\n"));
        // A report of delays or successful relays is no failure.
        if report.failed.is_empty() && report.any_action {
            return None;
        }
        let evidence = report.evidence.unwrap_or_else(|| ex.subject.clone());
        let failed = if report.failed.is_empty() {
            body_addresses(msg, ex)
        } else {
            report.failed
        };
        return Some(Auto {
            kind: AutoKind::Bounce,
            evidence,
            failed,
            certain: true,
        });
    }
    let subject = normalize(&ex.subject);
    let local = ex.from.split('@').next().unwrap_or("");
    let daemon = ["mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"].contains(&local)
        || local.starts_with("microsoftexchange");
    let failed_header = header_text(msg, "X-Failed-Recipients");
    let delayed = ["delay", "retard", "still being retried", "warning"]
        .iter()
        .any(|w| subject.contains(w));
    let by_subject = !delayed && contains_any(&subject, BOUNCE_SUBJECTS).is_some();
    let structural = report.as_deref() == Some("delivery-status") || !failed_header.is_empty();
    // A daemon's "delayed" subject over a body that says it failed is a
    // failure after all; the body is read only then.
    let failed_anyway =
        || daemon && contains_any(&normalize(head(&ex.body, 3000)), BOUNCE_BODY).is_some();
    if !(structural || by_subject || (daemon && !delayed) || failed_anyway()) {
        return None;
    }
    let mut failed: Vec<EmailAddress> = EMAIL
        .find_iter(&failed_header)
        .filter_map(|m| EmailAddress::parse(m.as_str()))
        .collect();
    if failed.is_empty() {
        failed = body_addresses(msg, ex);
    }
    let evidence = failure_line(&ex.body).unwrap_or_else(|| ex.subject.clone());
    Some(Auto {
        kind: AutoKind::Bounce,
        evidence,
        failed,
        certain: true,
    })
}

/// The recipient blocks of an RFC 3464 delivery-status body.
struct DsnReport {
    failed: Vec<EmailAddress>,
    any_action: bool,
    evidence: Option<String>,
}

fn parse_dsn(text: &str) -> DsnReport {
    let mut report = DsnReport {
        failed: Vec::new(),
        any_action: false,
        evidence: None,
    };
    for block in text.replace("\r\n", "\n").split("\n\n") {
        let mut recipient = None;
        let mut failed = false;
        for line in block.lines() {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "final-recipient" | "original-recipient" if recipient.is_none() => {
                    let addr = value.rsplit(';').next().unwrap_or(value);
                    recipient = EmailAddress::parse(addr.trim());
                }
                "action" => {
                    report.any_action = true;
                    failed |= value.eq_ignore_ascii_case("failed");
                }
                "status" => failed |= value.starts_with('5'),
                "diagnostic-code" if report.evidence.is_none() => {
                    report.evidence = Some(line.trim().to_string());
                }
                _ => {}
            }
        }
        if failed {
            if report.evidence.is_none() {
                report.evidence = block
                    .lines()
                    .find(|l| l.to_ascii_lowercase().starts_with("status"))
                    .map(|l| l.trim().to_string());
            }
            if let Some(addr) = recipient.filter(|a| !report.failed.contains(a)) {
                report.failed.push(addr);
            }
        }
    }
    report
}

/// Addresses named in a non-standard bounce's text, before the copy of the
/// original message, other than the bounce's own sender and recipients.
fn body_addresses(msg: &Message, ex: &Extracted) -> Vec<EmailAddress> {
    let body = &ex.body;
    let norm_cut = [
        "original message",
        "message d'origine",
        "this is a copy of the message",
        "original message headers",
        "en-tetes du message d'origine",
        "------ this is a copy",
    ];
    let lower = body.to_lowercase();
    let end = norm_cut
        .iter()
        .filter_map(|m| lower.find(m))
        .min()
        .unwrap_or(body.len());
    let head = body.get(..end).unwrap_or(body);
    let own: Vec<String> = msg
        .to()
        .into_iter()
        .flat_map(|a| a.iter())
        .filter_map(|a| a.address())
        .map(str::to_lowercase)
        .chain([ex.from.clone()])
        .collect();
    let mut out: Vec<EmailAddress> = Vec::new();
    for m in EMAIL.find_iter(head) {
        let Some(addr) = EmailAddress::parse(m.as_str()) else {
            continue;
        };
        let local = addr.as_str().split('@').next().unwrap_or("");
        let daemon = ["mailer-daemon", "postmaster"].contains(&local);
        if !daemon && !own.iter().any(|o| o == addr.as_str()) && !out.contains(&addr) {
            out.push(addr);
        }
    }
    out
}

/// The first body line that says delivery failed, for evidence.
fn failure_line(body: &str) -> Option<String> {
    body.lines()
        .map(str::trim)
        .find(|l| contains_any(&normalize(l), BOUNCE_BODY).is_some())
        .map(str::to_string)
}

fn out_of_office(msg: &Message, ex: &Extracted, new_text: &str) -> Option<Auto> {
    let auto_submitted = header_text(msg, "Auto-Submitted").to_ascii_lowercase();
    let precedence = header_text(msg, "Precedence").to_ascii_lowercase();
    let auto_reply_header = auto_submitted.starts_with("auto-replied")
        || flag_header(msg, "X-Autoreply")
        || flag_header(msg, "X-Autorespond")
        || flag_header(msg, "X-Autoresponder")
        || precedence.starts_with("auto_reply")
        || precedence.starts_with("auto-reply")
        || exchange_auto_reply(msg);
    let machine = auto_submitted.starts_with("auto-")
        || ["bulk", "junk", "list"].contains(&precedence.as_str());
    let subject = normalize(&ex.subject);
    let by_subject = contains_any(&subject, OOO_SUBJECTS);
    let body = normalize(new_text);
    let by_body = contains_any(&body, OOO_BODY);
    // A body that calls itself automatic is as good as the header when it
    // speaks of absence; otherwise it may be a machine's payment advice
    // ("this is an automated message"), whose words are read first.
    let self_declared = contains_any(&body, SELF_DECLARED).is_some();
    let certain = auto_reply_header
        || by_subject.is_some()
        || ((self_declared || machine) && by_body.is_some());
    if !certain && by_body.is_none() && !self_declared {
        return None;
    }
    let evidence = by_body
        .and_then(|p| {
            crate::classify::norm::sentences(new_text)
                .into_iter()
                .find(|s| s.norm.contains(p))
        })
        .map(|s| s.text)
        .unwrap_or_else(|| ex.subject.clone());
    Some(Auto {
        kind: AutoKind::OutOfOffice,
        evidence,
        failed: Vec::new(),
        certain,
    })
}

/// Mailing-list or bulk mail (a newsletter): `List-Id`,
/// `List-Unsubscribe`, or `Precedence: bulk | list | junk`. No client
/// answers through one, so its dates promise nothing.
pub fn is_bulk(msg: &Message) -> bool {
    let precedence = header_text(msg, "Precedence").to_ascii_lowercase();
    msg.header_raw("List-Id").is_some()
        || msg.header_raw("List-Unsubscribe").is_some()
        || ["bulk", "list", "junk"].contains(&precedence.as_str())
}

/// A header such as X-Autoreply: present and not "no".
fn flag_header(msg: &Message, name: &str) -> bool {
    msg.header_raw(name).is_some_and(|v| {
        let v = v.trim().to_ascii_lowercase();
        v != "no" && v != "false" && v != "0"
    })
}

/// Exchange marks its automatic replies in X-MS-Exchange-* headers whose
/// names or values speak of auto-replies or OOF.
fn exchange_auto_reply(msg: &Message) -> bool {
    msg.headers_raw().any(|(name, value)| {
        let name = name.to_ascii_lowercase();
        let value = value.to_ascii_lowercase();
        name.starts_with("x-ms-exchange")
            && (name.contains("autoreply")
                || name.contains("auto-reply")
                || value.contains("autoreply")
                || value.contains("oof"))
    })
}

//! `relance preview`: the message (or, for step 5, the formal-notice PDF)
//! that the next step — or step N — would send at a given date, composed by
//! the same code as the daemon, with the invoice's original attachments
//! fetched from the mailbox when it can be reached. Nothing is recorded.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;

use super::ledger::{Session, resolve_invoice};
use crate::calendar::Calendar;
use crate::compose;
use crate::daemon::{session, settings};
use crate::domain::{InvoiceId, StepNo};
use crate::mailbox::ImapSession;
use crate::pipeline::{AttachmentFetch, Pipeline};

/// What the user asked to see.
pub struct Request<'a> {
    pub invoice: &'a str,
    pub step: Option<u8>,
    pub at: Option<NaiveDate>,
    pub out: Option<&'a Path>,
}

pub fn preview(s: &Session, req: &Request<'_>) -> anyhow::Result<ExitCode> {
    let invoice = resolve_invoice(&s.store, req.invoice)?;
    let pipeline = Pipeline::new(s.config.clone())?;
    let window = s.config.sequence.window;
    // A date means "when the window opens that day", as the daemon would send.
    let at = req.at.map_or(s.now, |d| {
        window.open_on_or_after(&Calendar::new(s.config.sequence.calendar), d)
    });
    let due = pipeline.preview_due(&s.store, invoice.id, req.step.map(StepNo), at)?;
    let fetches = pipeline.attachments_needed(&s.store, &due)?;
    let attachments = fetch(&s.config, fetches);
    let (raw, pdf) = pipeline.render(&s.store, &due, attachments, at)?;
    match pdf {
        Some(pdf) => {
            let path = req.out.map_or_else(
                || PathBuf::from(format!("{}-notice.pdf", invoice.number)),
                Path::to_path_buf,
            );
            write(&path, &pdf)?;
            eprintln!("relance: formal notice written to {}", path.display());
            print_message(None, &raw)
        }
        None => print_message(req.out, &raw),
    }
}

fn print_message(out: Option<&Path>, raw: &[u8]) -> anyhow::Result<ExitCode> {
    match out {
        Some(path) => write(path, raw)?,
        None => {
            use std::io::Write;
            std::io::stdout().write_all(raw)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// The originals' attachments over IMAP; when the mailbox cannot be reached
/// the preview goes on without them and says so.
fn fetch(
    config: &crate::config::Config,
    fetches: Vec<AttachmentFetch>,
) -> Vec<(InvoiceId, compose::Attachment)> {
    if fetches.is_empty() {
        return Vec::new();
    }
    let count = fetches.len();
    let attempt = async {
        let settings = settings::imap(config).await?;
        let mut imap = ImapSession::connect(&settings).await?;
        let found = session::fetch_attachments(&mut imap, fetches).await;
        imap.logout().await;
        found
    };
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|rt| rt.block_on(attempt));
    match result {
        Ok(found) => found,
        Err(err) => {
            eprintln!(
                "relance: warning: {count} attachment(s) left out of the preview: \
                 the mailbox could not be reached ({err:#})"
            );
            Vec::new()
        }
    }
}

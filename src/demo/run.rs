//! The simulated run: a manual clock from the manifest's start to its end,
//! each message delivered into Sent or INBOX when it arrives, the pipeline's
//! plan carried out at each wake (prepare, "send" into a file, mark sent,
//! find the copy back in Sent as the daemon's APPEND would), and the clock
//! moved to the next arrival, the engine's next wake or the next
//! forewarning hour.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use super::mailbox;
use super::timeline::{Arrow, Entry, Report};
use super::{claire, config, story};
use crate::engine::{Action, AlertKind};
use crate::pipeline::{Due, FolderKind, Pipeline, Prepared, extract_attachment};
use crate::store::{Location, Store};

/// A safety net: the run needs a few hundred wakes.
const MAX_WAKES: usize = 20_000;

/// The simulation's state.
pub(super) struct Sim<'o> {
    pub pipeline: Pipeline,
    pub store: Store,
    pub tz: Tz,
    out: &'o Path,
    /// What sits in the simulated folders, by location.
    folders: HashMap<Location, Vec<u8>>,
    next_uid: HashMap<&'static str, u32>,
    written: usize,
    pub entries: Vec<Entry>,
    /// Messages still to arrive, in time order.
    pending: VecDeque<Delivery>,
}

/// A message the simulated mailbox will receive.
struct Delivery {
    at: DateTime<Utc>,
    folder: FolderKind,
    raw: Vec<u8>,
}

/// Replays the sample mailbox and writes every outgoing message into `out`.
pub fn run(out: &Path) -> anyhow::Result<Report> {
    let manifest = mailbox::manifest()?;
    let (start, end) = manifest.mailbox.clock()?;
    let config = config::config(manifest.mailbox.since)?;
    let tz = config.company.time_zone;
    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create the output directory '{}'", out.display()))?;
    let mut sim = Sim {
        pending: VecDeque::new(),
        pipeline: Pipeline::new(config)?,
        store: Store::open_in_memory()?,
        tz,
        out,
        folders: HashMap::new(),
        next_uid: HashMap::new(),
        written: 0,
        entries: Vec::new(),
    };
    for entry in &manifest.message {
        let raw = mailbox::file(&entry.file)
            .with_context(|| format!("demo mailbox: '{}' is not embedded", entry.file))?;
        let folder = if entry.folder == "sent" {
            FolderKind::Sent
        } else {
            FolderKind::Inbox
        };
        sim.schedule(entry.arrives()?, folder, raw.to_vec());
    }
    let mut now = start;
    for _ in 0..MAX_WAKES {
        let next = sim.tick(now)?.unwrap_or(end);
        // Never stand still, even if a wake is already past.
        now = next.max(now + Duration::minutes(1));
        if now > end {
            break;
        }
    }
    let summary = story::summary(&sim.pipeline, &sim.store, end)?;
    Ok(Report {
        entries: sim.entries,
        summary,
        out_dir: out.to_path_buf(),
    })
}

impl Sim<'_> {
    /// One wake at `now`: deliver what arrived, carry out the plan, send the
    /// forewarning or digest when due; returns when to wake next.
    fn tick(&mut self, now: DateTime<Utc>) -> anyhow::Result<Option<DateTime<Utc>>> {
        while self.pending.front().is_some_and(|d| d.at <= now) {
            if let Some(delivery) = self.pending.pop_front() {
                self.deliver(delivery)?;
            }
        }
        let plan = self.pipeline.plan(&self.store, now)?;
        for due in &plan.due {
            self.carry_out(due, now)?;
        }
        for prepared in [
            self.pipeline.forewarning(&self.store, now)?,
            self.pipeline.digest(&self.store, now)?,
        ]
        .into_iter()
        .flatten()
        {
            self.send(prepared, None, now, None)?;
        }
        Ok([
            self.pending.front().map(|d| d.at),
            plan.next_wake,
            Some(self.next_notice_hour(now)),
        ]
        .into_iter()
        .flatten()
        .min())
    }

    fn location(&mut self, folder: FolderKind) -> Location {
        let name = match folder {
            FolderKind::Sent => "Sent",
            FolderKind::Inbox => "INBOX",
        };
        let uid = self.next_uid.entry(name).or_insert(1);
        let location = Location {
            folder: name.to_string(),
            uidvalidity: 1,
            uid: *uid,
        };
        *uid += 1;
        location
    }

    /// Queues a message to arrive at `at`, after those arriving before.
    fn schedule(&mut self, at: DateTime<Utc>, folder: FolderKind, raw: Vec<u8>) {
        let slot = self.pending.partition_point(|d| d.at <= at);
        self.pending.insert(slot, Delivery { at, folder, raw });
    }

    /// Delivers one message into its folder.
    fn deliver(&mut self, d: Delivery) -> anyhow::Result<()> {
        let location = self.location(d.folder);
        let ingested =
            self.pipeline
                .ingest(&self.store, d.folder, location.clone(), &d.raw, d.at)?;
        if let Some(entry) = story::incoming(self, &d.raw, &ingested, d.at)? {
            self.entries.push(entry);
        }
        self.folders.insert(location, d.raw);
        Ok(())
    }

    /// Decides again, prepares and "sends" one due action.
    fn carry_out(&mut self, due: &Due, now: DateTime<Utc>) -> anyhow::Result<()> {
        if !self.pipeline.still_due(&self.store, due, now)? {
            return Ok(());
        }
        let attachments = self
            .pipeline
            .attachments_needed(&self.store, due)?
            .into_iter()
            .filter_map(|f| {
                let raw = self.folders.get(&f.location)?;
                extract_attachment(raw, &f.part).map(|a| (f.invoice, a))
            })
            .collect();
        let prepared = self.pipeline.prepare(&self.store, due, attachments, now)?;
        if let Action::Alert {
            kind: AlertKind::ConfirmPaid,
            ..
        } = due.action
            && let Some((at, raw)) = claire::confirm_paid(&prepared, now, self.tz)
        {
            self.schedule(at, FolderKind::Inbox, raw);
        }
        let (what, kind) = story::outgoing(self, due, &prepared)?;
        self.send(prepared, Some(due), now, Some((what, kind)))
    }

    /// Writes the message (and the notice PDF), marks it sent and files
    /// the copy in Sent.
    fn send(
        &mut self,
        prepared: Prepared,
        due: Option<&Due>,
        now: DateTime<Utc>,
        described: Option<(String, String)>,
    ) -> anyhow::Result<()> {
        let (what, kind) = match described {
            Some(d) => d,
            None => story::for_user(&prepared),
        };
        let client = match due {
            Some(d) => self.store.client(d.client)?.name,
            None => "(Claire)".to_string(),
        };
        self.written += 1;
        let local = now.with_timezone(&self.tz);
        let stem = format!(
            "{:02}-{}-{}-{kind}",
            self.written,
            local.format("%Y-%m-%d"),
            story::slug(&client)
        );
        let file = self.out.join(format!("{stem}.eml"));
        write(&file, &prepared.raw)?;
        if let Some(pdf) = &prepared.notice_pdf {
            write(&self.out.join(format!("{stem}.pdf")), pdf)?;
        }
        self.store.mark_sent(prepared.outbox, now)?;
        let location = self.location(FolderKind::Sent);
        self.folders.insert(location.clone(), prepared.raw.clone());
        self.pipeline
            .ingest(&self.store, FolderKind::Sent, location, &prepared.raw, now)?;
        self.store.mark_appended(prepared.outbox)?;
        self.entries.push(Entry {
            at: local,
            client,
            arrow: Arrow::Out,
            what,
            why: due.map(|d| d.reason.clone()),
            file: Some(file),
        });
        Ok(())
    }

    /// The next instant the forewarning or the digest may be due.
    fn next_notice_hour(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let seq = &self.pipeline.config().sequence;
        let hours = seq.forewarning.into_iter().chain(seq.digest.map(|d| d.at));
        let local = now.with_timezone(&self.tz);
        hours
            .flat_map(|h| {
                let today = local.date_naive();
                [today, today + chrono::Days::new(1)].map(|d| story::local_instant(self.tz, d, h))
            })
            .flatten()
            .filter(|t| *t > now)
            .min()
            .unwrap_or(now + Duration::days(1))
    }
}

fn write(path: &PathBuf, bytes: &[u8]) -> anyhow::Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write '{}'", path.display()))
}

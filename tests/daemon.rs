//! End-to-end tests of `relance run` against a real Dovecot and Postfix
//! (one pair per test, `support::MailServer`), with a test clock: the real
//! binary with `--now ... run --once`, or `daemon::run` in-process with a
//! manual clock for the long-running behaviour (IDLE, reconnection).
//! Nothing here sleeps to wait for time-dependent behaviour: the clock is
//! moved; servers are polled with bounded waits.
//!
//! The invoice F-2026-xxxx is dated 13 Feb 2026 and due Sun 15 Mar 2026;
//! step 1 is due on Tue 17 Mar (due + 2 business days), step 2 on Wed 25.

mod support;
#[path = "daemon/world.rs"]
mod world;

use relance::domain::ReplyClass;
use relance::engine::EventKind;
use relance::store::OutboxState;
use support::{CLIENT_A, OWNER, TEMPFAIL_RECIPIENT};
use world::{World, header, invoice};

const BEFORE_STEP1: &str = "2026-03-16T10:00:00+01:00";
const STEP1: &str = "2026-03-17T10:00:00+01:00";
const NEXT_DAY: &str = "2026-03-18T10:00:00+01:00";
const DUE: &str = "15/03/2026";

/// Step 1 sent for one invoice to client A; returns (invoice id, reminder).
fn step_one_sent(w: &World, number: &str) -> (String, String) {
    let invoice = w.send_invoice(number, CLIENT_A.address, DUE);
    w.run_once(STEP1);
    let inbox = w.wait_for(CLIENT_A.address, "INBOX", 2);
    let reminder = inbox
        .into_iter()
        .find(|m| header(m, "In-Reply-To").is_some())
        .expect("a reminder in the client's INBOX");
    (invoice, reminder)
}

/// The UID of the message `id` in client A's INBOX.
fn uid_of(w: &World, id: &str) -> u32 {
    w.server
        .list_uids(CLIENT_A.address, "INBOX")
        .into_iter()
        .find(|uid| {
            let raw = w.server.fetch(CLIENT_A.address, "INBOX", *uid).unwrap();
            header(&String::from_utf8_lossy(&raw), "Message-ID").as_deref() == Some(id)
        })
        .unwrap_or_else(|| panic!("{id} is not in the client's INBOX"))
}

/// Reminders the client received, counted once every queued mail arrived.
fn client_reminders(w: &World) -> usize {
    w.settle(CLIENT_A.address);
    w.reminders(CLIENT_A.address, "INBOX").len()
}

#[test]
fn a_reminder_reaches_the_client_in_the_invoice_thread_with_a_copy_in_sent() {
    let w = World::new("send", "");
    let invoice = w.send_invoice("F-2026-0101", CLIENT_A.address, DUE);
    w.run_once(BEFORE_STEP1);
    assert_eq!(client_reminders(&w), 0, "nothing is due before step 1");

    w.run_once(STEP1);
    let inbox = w.wait_for(CLIENT_A.address, "INBOX", 2);
    let reminder = inbox
        .iter()
        .find(|m| header(m, "In-Reply-To").is_some())
        .expect("a reminder");
    assert_eq!(
        header(reminder, "In-Reply-To").as_deref(),
        Some(invoice.as_str())
    );
    assert!(header(reminder, "References").unwrap().contains(&invoice));
    let subject = header(reminder, "Subject").unwrap();
    assert!(subject.starts_with("Re: Facture F-2026-0101"), "{subject}");
    assert!(
        reminder.contains("Facture_F-2026-0101.pdf"),
        "the invoice PDF is attached"
    );
    let id = header(reminder, "Message-ID").unwrap();
    let pair = format!("({} {})", uid_of(&w, &invoice), uid_of(&w, &id));
    let thread = w.server.thread(CLIENT_A.address, "INBOX");
    assert!(thread.contains(&pair), "one conversation {pair}: {thread}");

    let copies: Vec<String> = w
        .messages(OWNER.address, "Sent")
        .into_iter()
        .filter(|m| header(m, "Message-ID").as_deref() == Some(id.as_str()))
        .collect();
    assert_eq!(copies.len(), 1, "one copy in Sent");
    let rows = w.outbox();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].state, OutboxState::Appended);

    w.run_once(STEP1);
    w.run_once(NEXT_DAY);
    assert_eq!(client_reminders(&w), 1, "never twice");
}

#[test]
fn a_promised_date_reschedules_the_ladder() {
    let w = World::new("send", "");
    let (_, reminder) = step_one_sent(&w, "F-2026-0102");
    let parent = header(&reminder, "Message-ID").unwrap();
    w.client_reply(
        "promise-1@client-a.test",
        &parent,
        "Wed, 18 Mar 2026 11:00:00 +0100",
        "",
        "Bonjour,\r\n\r\nNous réglerons la facture le 31 mars.\r\n\r\nCordialement",
    );
    for now in [
        NEXT_DAY,
        "2026-03-25T10:00:00+01:00",
        "2026-03-31T10:00:00+02:00",
    ] {
        w.run_once(now);
    }
    assert_eq!(client_reminders(&w), 1, "nothing before the promised date");
    assert!(keyword_on_reply(&w, "relance-promise"));

    w.run_once("2026-04-07T10:00:00+02:00");
    assert_eq!(
        client_reminders(&w),
        2,
        "the ladder resumes after the promise"
    );
}

/// Whether some message of the owner's INBOX carries `keyword`.
fn keyword_on_reply(w: &World, keyword: &str) -> bool {
    w.server
        .list_uids(OWNER.address, "INBOX")
        .into_iter()
        .any(|uid| {
            w.server
                .flags(OWNER.address, "INBOX", uid)
                .iter()
                .any(|f| f == keyword)
        })
}

#[test]
fn a_paid_reply_stops_the_ladder_and_is_tagged() {
    let w = World::new("send", "paid-confirmation-delay = \"20 business days\"");
    let (_, reminder) = step_one_sent(&w, "F-2026-0103");
    let parent = header(&reminder, "Message-ID").unwrap();
    w.client_reply(
        "paid-1@client-a.test",
        &parent,
        "Wed, 18 Mar 2026 11:00:00 +0100",
        "",
        "Bonjour,\r\n\r\nLe virement a été effectué ce matin.\r\n\r\nCordialement",
    );
    w.run_once(NEXT_DAY);
    w.run_once("2026-03-26T10:00:00+01:00");
    assert_eq!(client_reminders(&w), 1, "no step 2 after a paid reply");
    assert!(keyword_on_reply(&w, "relance-paid"));
}

#[test]
fn an_out_of_office_reply_postpones_the_next_step() {
    let w = World::new("send", "");
    let (_, reminder) = step_one_sent(&w, "F-2026-0104");
    let parent = header(&reminder, "Message-ID").unwrap();
    w.client_reply(
        "ooo-1@client-a.test",
        &parent,
        "Tue, 17 Mar 2026 10:05:00 +0100",
        "Auto-Submitted: auto-replied\r\n",
        "Bonjour,\r\n\r\nJe suis absente jusqu'au 27 mars inclus, sans accès à mes messages.",
    );
    w.run_once("2026-03-26T10:00:00+01:00");
    assert_eq!(
        client_reminders(&w),
        1,
        "step 2 waits for the client's return"
    );
    assert!(keyword_on_reply(&w, "relance-ooo"));
    w.run_once("2026-04-02T10:00:00+02:00");
    assert_eq!(client_reminders(&w), 2, "step 2 once the client is back");
}

#[test]
fn the_users_own_reply_postpones_the_ladder() {
    let w = World::new("send", "");
    let invoice = w.send_invoice("F-2026-0105", CLIENT_A.address, DUE);
    let manual = format!(
        "From: Claire Dupont <{owner}>\r\nTo: {client}\r\nSubject: Re: Facture F-2026-0105\r\n\
         Date: Mon, 16 Mar 2026 09:00:00 +0100\r\nMessage-ID: <manual-1@atelier-dupont.test>\r\n\
         In-Reply-To: {invoice}\r\nReferences: {invoice}\r\n\r\nBonjour, un petit rappel amical.\r\n",
        owner = OWNER.address,
        client = CLIENT_A.address,
    );
    w.server
        .append(OWNER.address, "Sent", manual.as_bytes(), &["\\Seen"]);
    w.run_once(STEP1);
    assert_eq!(
        client_reminders(&w),
        0,
        "the user just wrote: relance waits"
    );
    w.run_once("2026-03-24T10:00:00+01:00");
    assert_eq!(
        client_reminders(&w),
        1,
        "step 1 after the manual-contact delay"
    );
}

#[test]
fn a_refused_address_alerts_the_user_and_is_not_retried() {
    let w = World::new("send", "");
    w.send_invoice("F-2026-0106", "nobody@client-a.test", DUE);
    w.run_once(STEP1);
    let rows = w.outbox();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].state, OutboxState::Failed);
    assert!(
        rows[0].last_error.as_deref().unwrap_or("").contains("550"),
        "{rows:?}"
    );
    let inbox = w.wait_for(OWNER.address, "INBOX", 1);
    assert!(
        inbox
            .iter()
            .any(|m| header(m, "Message-ID").is_some_and(|id| id.starts_with("<relance-refused-"))),
        "the user is alerted"
    );
    w.run_once(NEXT_DAY);
    assert_eq!(w.outbox().len(), 1, "never retried in a loop");
}

#[test]
fn a_temporary_refusal_keeps_the_message_for_a_later_retry() {
    let w = World::new("send", "");
    w.send_invoice("F-2026-0112", TEMPFAIL_RECIPIENT, DUE);
    w.run_once(STEP1);
    let log = w.run_once(STEP1);
    assert!(log.contains("will retry"), "{log}");
    let rows = w.outbox();
    assert_eq!(rows.len(), 1, "the same message, not a new one: {rows:?}");
    assert_eq!(rows[0].state, OutboxState::Sending, "kept for a retry");
    w.settle(OWNER.address);
    let alerted = w
        .messages(OWNER.address, "INBOX")
        .iter()
        .any(|m| header(m, "Message-ID").is_some_and(|id| id.starts_with("<relance-refused-")));
    assert!(!alerted, "a temporary refusal is not worth an alert");
}

#[test]
fn a_delivery_report_alerts_the_user() {
    let w = World::new("send", "");
    let (_, reminder) = step_one_sent(&w, "F-2026-0107");
    let parent = header(&reminder, "Message-ID").unwrap();
    let dsn = format!(
        "From: Mail Delivery System <MAILER-DAEMON@client-a.test>\r\nTo: {owner}\r\n\
         Subject: Undelivered Mail Returned to Sender\r\nDate: Tue, 17 Mar 2026 10:01:00 +0100\r\n\
         Message-ID: <dsn-1@client-a.test>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n\
         --B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\
         --B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.client-a.test\r\n\r\n\
         Final-Recipient: rfc822; {client}\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n\
         --B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {parent}\r\n\
         Subject: Re: Facture F-2026-0107\r\nTo: {client}\r\n\r\n--B--\r\n",
        owner = OWNER.address,
        client = CLIENT_A.address,
    );
    w.server.deliver_and_wait(dsn.as_bytes(), OWNER.address);
    w.run_once(NEXT_DAY);
    w.settle(OWNER.address);
    let alerts = w
        .messages(OWNER.address, "INBOX")
        .into_iter()
        .filter(|m| header(m, "X-Relance-Ref").is_some_and(|r| r.contains("alert-bounce")))
        .count();
    assert_eq!(alerts, 1, "one bounce alert to the user");
}

#[test]
fn draft_mode_leaves_the_reminder_in_drafts() {
    let w = World::new("draft", "");
    let invoice = w.send_invoice("F-2026-0108", CLIENT_A.address, DUE);
    w.run_once(STEP1);
    let drafts = w.messages(OWNER.address, "Drafts");
    assert_eq!(drafts.len(), 1);
    assert_eq!(
        header(&drafts[0], "In-Reply-To").as_deref(),
        Some(invoice.as_str())
    );
    let uid = w.server.list_uids(OWNER.address, "Drafts")[0];
    let flags = w.server.flags(OWNER.address, "Drafts", uid);
    assert!(flags.iter().any(|f| f == "\\Draft"), "{flags:?}");
    w.run_once(STEP1);
    assert_eq!(w.messages(OWNER.address, "Drafts").len(), 1, "never twice");
    assert_eq!(client_reminders(&w), 0, "nothing sent in draft mode");
}

#[test]
fn dry_run_sends_nothing_and_records_no_history() {
    let w = World::new("dry-run", "");
    w.send_invoice("F-2026-0109", CLIENT_A.address, DUE);
    let log = w.run_once(STEP1);
    assert!(log.contains("dry-run: would send"), "{log}");
    assert!(log.contains(CLIENT_A.address), "{log}");
    assert!(w.outbox().iter().all(|r| r.state == OutboxState::Cancelled));
    assert_eq!(client_reminders(&w), 0);
    // Rendered in full: the reminder carries the invoice's PDF, fetched
    // again from Sent.
    let store = w.store();
    let step = w
        .outbox()
        .into_iter()
        .find(|r| r.recipients.iter().any(|a| a.as_str() == CLIENT_A.address))
        .expect("a reminder to the client was rendered");
    let raw = store.outbox_raw(step.id).unwrap().expect("its bytes");
    let raw = String::from_utf8_lossy(&raw);
    assert!(raw.contains("Facture_F-2026-0109.pdf"), "{raw}");
    let rendered = w.outbox().len();
    let again = w.run_once(STEP1);
    assert!(
        !again.contains("dry-run: would send"),
        "rendered once: {again}"
    );
    assert_eq!(w.outbox().len(), rendered, "no new rows for the same plan");
}

#[test]
fn the_forewarning_reaches_the_user_the_evening_before_a_send() {
    let w = World::new("send", "forewarning = true\nforewarning-at = \"17:00\"");
    w.send_invoice("F-2026-0110", CLIENT_A.address, DUE);
    // Monday evening: step 1 goes out on Tuesday.
    w.run_once("2026-03-16T18:00:00+01:00");
    let rows = w.outbox();
    let forewarning = rows
        .iter()
        .find(|r| r.purpose == relance::store::Purpose::Forewarning)
        .expect("a forewarning was recorded");
    assert_eq!(forewarning.state, OutboxState::Sent);
    assert_eq!(forewarning.recipients[0].as_str(), OWNER.address);
    assert_eq!(client_reminders(&w), 0, "nothing to the client yet");
    let inbox = w.wait_for(OWNER.address, "INBOX", 1);
    assert!(inbox.iter().any(|m| m.contains("F-2026-0110")), "{inbox:?}");
    // Once a day.
    w.run_once("2026-03-16T19:00:00+01:00");
    let again = w
        .outbox()
        .iter()
        .filter(|r| r.purpose == relance::store::Purpose::Forewarning)
        .count();
    assert_eq!(again, 1);
}

#[test]
fn a_first_sync_over_several_chunks_finds_every_invoice() {
    let w = World::new("dry-run", "");
    // More than one chunk of headers (200) and many batches of bodies (50),
    // with the user's other mail in between.
    let mut raws = Vec::new();
    for i in 0..230 {
        let (_, raw) = invoice(&format!("F-2026-{:04}", 1000 + i), CLIENT_A.address, DUE);
        raws.push(raw.into_bytes());
        if i % 10 == 0 {
            let other = format!(
                "From: {owner}\r\nTo: ami@example.org\r\nSubject: Samedi\r\n\
                 Date: Fri, 13 Feb 2026 18:00:00 +0100\r\nMessage-ID: <autre{i}@atelier-dupont.test>\r\n\
                 \r\nOn se voit samedi ?\r\n",
                owner = OWNER.address
            );
            raws.push(other.into_bytes());
        }
    }
    let uids = w
        .server
        .append_many(OWNER.address, "Sent", &raws, &["\\Seen"]);
    let log = w.run_once(BEFORE_STEP1);
    let store = w.store();
    assert_eq!(store.list_invoices(None).unwrap().len(), 230, "{log}");
    let sent = store.folder_state("Sent").unwrap().expect("Sent synced");
    assert_eq!(Some(&sent.last_uid), uids.last());
    // Nothing new the second time.
    w.run_once(BEFORE_STEP1);
    assert_eq!(w.store().list_invoices(None).unwrap().len(), 230);
}

/// Aborts at `stage` during the first send, restarts, and checks that the
/// client got exactly one reminder and Sent exactly one copy.
fn crash_then_restart(stage: &str) {
    let w = World::new("send", "");
    w.send_invoice("F-2026-0110", CLIENT_A.address, DUE);
    let crashed = w.run_once_with(STEP1, &[("RELANCE_TEST_CRASH_AT", stage)]);
    assert!(
        !crashed.status.success(),
        "{stage}: the first run should abort"
    );
    w.run_once(STEP1);
    w.run_once(STEP1);
    assert_eq!(client_reminders(&w), 1, "{stage}: exactly one reminder");
    let copies = w.reminders(OWNER.address, "Sent").len();
    assert_eq!(copies, 1, "{stage}: exactly one copy in Sent");
    let rows = w.outbox();
    assert_eq!(rows.len(), 1, "{stage}: {rows:?}");
    assert_eq!(rows[0].state, OutboxState::Appended, "{stage}");
}

#[test]
fn a_crash_before_smtp_sends_once_after_restart() {
    crash_then_restart("before-smtp");
}

#[test]
fn a_crash_after_smtp_sends_once_after_restart() {
    crash_then_restart("after-smtp");
}

#[test]
fn a_crash_after_recording_sends_once_after_restart() {
    crash_then_restart("after-record");
}

#[test]
fn a_uidvalidity_change_neither_resends_nor_reclassifies() {
    let w = World::new("send", "");
    let (_, reminder) = step_one_sent(&w, "F-2026-0111");
    let parent = header(&reminder, "Message-ID").unwrap();
    w.client_reply(
        "promise-2@client-a.test",
        &parent,
        "Wed, 18 Mar 2026 11:00:00 +0100",
        "",
        "Bonjour, nous réglerons le 31 mars.",
    );
    w.run_once(NEXT_DAY);
    let inbox = w.server.bump_uidvalidity(OWNER.address, "INBOX");
    let sent = w.server.bump_uidvalidity(OWNER.address, "Sent");
    w.run_once(NEXT_DAY);
    let store = w.store();
    for (folder, validity) in [("INBOX", inbox), ("Sent", sent)] {
        let state = store.folder_state(folder).unwrap().unwrap();
        assert_eq!(state.uidvalidity, validity, "{folder} synced again");
    }
    w.run_once("2026-03-25T10:00:00+01:00");
    assert_eq!(client_reminders(&w), 1, "no duplicate reminder");
    assert_eq!(w.outbox().len(), 1);
    let replies: usize = store
        .load_all_cases()
        .unwrap()
        .iter()
        .flat_map(|c| c.events.iter())
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Reply {
                    class: ReplyClass::Promise,
                    ..
                }
            )
        })
        .count();
    assert_eq!(replies, 1, "the reply is classified once");
}

#[path = "daemon/live.rs"]
mod live;

//! The user's side of the demo: Claire checks her bank the morning after a
//! "please confirm the payment" alert and answers it in plain words, as
//! SPEC §6 lets her; relance reads that answer like any other.

use chrono::{DateTime, Days, NaiveTime, Utc};
use chrono_tz::Tz;

use super::story::local_instant;
use crate::detect::MailView;
use crate::pipeline::Prepared;

/// When Claire reads her mail and her bank statement.
const MORNING: NaiveTime = match NaiveTime::from_hms_opt(8, 30, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// Claire's answer to an alert sent at `sent`: when it arrives in INBOX and
/// its bytes.
pub(super) fn confirm_paid(
    alert: &Prepared,
    sent: DateTime<Utc>,
    tz: Tz,
) -> Option<(DateTime<Utc>, Vec<u8>)> {
    let next_day = sent
        .with_timezone(&tz)
        .date_naive()
        .checked_add_days(Days::new(1))?;
    let at = local_instant(tz, next_day, MORNING)?;
    let view = MailView::parse(&alert.raw)?;
    let me = alert.recipients.first()?;
    let mid = alert.message_id.bracketed();
    let text = format!(
        "From: Claire Dupont <{me}>\r\n\
         To: relance <{me}>\r\n\
         Subject: Re: {subject}\r\n\
         Date: {date}\r\n\
         Message-ID: <answer.{stamp}.{id}@demo.atelier-dupont.example.fr>\r\n\
         In-Reply-To: {mid}\r\n\
         References: {mid}\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\
         \r\n\
         Payé : le virement est bien arrivé sur le compte.\r\n\
         \r\n\
         Claire\r\n",
        subject = view.subject,
        date = at.with_timezone(&tz).to_rfc2822(),
        stamp = at.timestamp(),
        id = alert.outbox,
    );
    Some((at, text.into_bytes()))
}

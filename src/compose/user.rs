//! Messages to the user's own address: call tasks, alerts, the end-of-
//! sequence notice, tomorrow's forewarning and the weekly digest.
//!
//! Each carries a reference (in its Message-ID and an `X-Relance-Ref`
//! header) naming the client, invoices and kind, so that when the user
//! replies ("payé", "promis le 20/03") the reply's `In-Reply-To` alone says
//! what it is about, with no lookup table.

use chrono::{DateTime, NaiveDate, Utc};
use rand::Rng;
use serde::Serialize;

use crate::compose::context::{AlertView, CaseContext, CompanyView, case_context};
use crate::compose::input::{CaseInput, Sender};
use crate::compose::message::{self, Outgoing};
use crate::compose::thread::message_id_with;
use crate::compose::{Composed, Error, Templates};
use crate::domain::{
    ClientId, EmailAddress, InvoiceId, InvoiceNumber, MessageId, Money, StepAction, StepNo,
};
use crate::engine::AlertKind;

pub use crate::compose::digest::{Digest, DigestEvent, DigestInvoice, digest_context};

/// What a message to the user is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserKind {
    CallTask,
    Alert(AlertKind),
    EndOfSequence,
    Forewarning,
    Digest,
}

impl UserKind {
    /// Stable spelling, used in the reference and the template name.
    pub fn as_str(&self) -> &'static str {
        match self {
            UserKind::CallTask => "call-task",
            UserKind::Alert(AlertKind::Bounce) => "alert-bounce",
            UserKind::Alert(AlertKind::Dispute) => "alert-dispute",
            UserKind::Alert(AlertKind::Question) => "alert-question",
            UserKind::Alert(AlertKind::UnknownReply) => "alert-unknown-reply",
            UserKind::Alert(AlertKind::ConfirmPaid) => "alert-confirm-paid",
            UserKind::Alert(AlertKind::NoticeReady) => "alert-notice-ready",
            UserKind::Alert(AlertKind::Limitation) => "alert-limitation",
            UserKind::EndOfSequence => "end-of-sequence",
            UserKind::Forewarning => "forewarning",
            UserKind::Digest => "digest",
        }
    }

    /// The template that words it: the spelling with `_` for `-`.
    pub fn template(&self) -> String {
        match self {
            UserKind::CallTask => "step3".to_string(),
            other => other.as_str().replace('-', "_"),
        }
    }

    fn all() -> Vec<UserKind> {
        let alerts = [
            AlertKind::Bounce,
            AlertKind::Dispute,
            AlertKind::Question,
            AlertKind::UnknownReply,
            AlertKind::ConfirmPaid,
            AlertKind::NoticeReady,
            AlertKind::Limitation,
        ];
        let mut all = vec![UserKind::CallTask, UserKind::EndOfSequence];
        all.extend(alerts.into_iter().map(UserKind::Alert));
        all.extend([UserKind::Forewarning, UserKind::Digest]);
        all
    }

    fn parse(s: &str) -> Option<UserKind> {
        UserKind::all().into_iter().find(|k| k.as_str() == s)
    }
}

/// Which client and invoices a message to the user concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRef {
    pub client: Option<ClientId>,
    pub invoices: Vec<InvoiceId>,
    pub kind: UserKind,
}

impl UserRef {
    /// `c7-i1_2-call-task` (client and invoices left out when absent).
    fn tag(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = self.client {
            parts.push(format!("c{}", c.0));
        }
        if !self.invoices.is_empty() {
            let ids: Vec<String> = self.invoices.iter().map(|i| i.0.to_string()).collect();
            parts.push(format!("i{}", ids.join("_")));
        }
        parts.push(self.kind.as_str().to_string());
        parts.join("-")
    }

    /// A fresh Message-ID carrying this reference:
    /// `relance.c7-i1_2-call-task.<random>@domain`.
    pub fn new_message_id<R: Rng + ?Sized>(&self, domain: &str, rng: &mut R) -> MessageId {
        message_id_with(domain, &self.tag(), rng)
    }

    /// The `X-Relance-Ref` header value: `client=7; invoices=1,2; kind=call-task`
    /// (client and invoices left out when absent).
    pub fn header(&self) -> String {
        let mut parts = Vec::new();
        if let Some(c) = self.client {
            parts.push(format!("client={}", c.0));
        }
        if !self.invoices.is_empty() {
            let ids: Vec<String> = self.invoices.iter().map(|i| i.0.to_string()).collect();
            parts.push(format!("invoices={}", ids.join(",")));
        }
        parts.push(format!("kind={}", self.kind.as_str()));
        parts.join("; ")
    }

    /// Reads the reference back from a Message-ID made by
    /// [`UserRef::new_message_id`] (what a reply's `In-Reply-To` holds).
    pub fn from_message_id(id: &MessageId) -> Option<UserRef> {
        let local = id.as_str().split('@').next()?;
        let tag = local.strip_prefix("relance.")?.rsplit_once('.')?.0;
        let mut client = None;
        let mut invoices = Vec::new();
        let mut rest = tag;
        if let Some(after) = rest.strip_prefix('c') {
            let (num, tail) = after.split_once('-')?;
            client = Some(ClientId(num.parse().ok()?));
            rest = tail;
        }
        if let Some(after) = rest.strip_prefix('i') {
            let (nums, tail) = after.split_once('-')?;
            for n in nums.split('_') {
                invoices.push(InvoiceId(n.parse().ok()?));
            }
            rest = tail;
        }
        Some(UserRef {
            client,
            invoices,
            kind: UserKind::parse(rest)?,
        })
    }
}

/// What an alert reports, for its template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertInput {
    pub kind: AlertKind,
    pub from: Option<EmailAddress>,
    pub received: Option<DateTime<Utc>>,
    pub evidence: Option<String>,
    pub excerpt: Option<String>,
    /// Promised date, return date, or the end of the limitation period.
    pub date: Option<NaiveDate>,
}

/// Composes a call task, an alert or the end-of-sequence notice for `case`
/// (`alert` must be given for [`UserKind::Alert`]).
pub fn compose_for_user(
    templates: &Templates,
    case: &CaseInput,
    kind: &UserKind,
    alert: Option<&AlertInput>,
    message_id: MessageId,
) -> Result<Composed, Error> {
    let mut ctx: CaseContext = case_context(case, None);
    if matches!(kind, UserKind::CallTask) {
        ctx.step = 3;
    }
    ctx.alert = alert.map(|a| AlertView {
        kind: UserKind::Alert(a.kind)
            .as_str()
            .trim_start_matches("alert-"),
        from: a.from.as_ref().map(ToString::to_string),
        received: a
            .received
            .map(|t| t.with_timezone(&case.time_zone).date_naive()),
        evidence: a.evidence.clone(),
        excerpt: a.excerpt.clone(),
        date: a.date,
    });
    let reference = UserRef {
        client: Some(case.client.id),
        invoices: case.invoices.iter().map(|i| i.id).collect(),
        kind: kind.clone(),
    };
    let rendered = templates.render(case.language, &kind.template(), &ctx)?;
    to_user(&case.sender, case.now, &reference, rendered, message_id)
}

/// One send planned for tomorrow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedSend {
    pub at: DateTime<Utc>,
    pub client: String,
    pub step: StepNo,
    pub action: StepAction,
    pub invoices: Vec<InvoiceNumber>,
    pub amount: Money,
    pub recipients: Vec<EmailAddress>,
}

/// The forewarning template's context.
#[derive(Debug, Clone, Serialize)]
pub struct ForewarningContext {
    pub lang: &'static str,
    pub today: NaiveDate,
    pub company: CompanyView,
    /// The local date the sends are planned for.
    pub date: NaiveDate,
    pub sends: Vec<SendView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SendView {
    pub client: String,
    pub step: u8,
    /// `email`, `call-task` or `notice`.
    pub action: &'static str,
    pub invoices: Vec<String>,
    pub amount: Money,
    pub recipients: Vec<String>,
    /// Local time, `HH:MM`.
    pub time: String,
}

/// Builds the forewarning context; `owner` gives the sender, language,
/// time zone and `now` (its invoices are not used).
pub fn forewarning_context(owner: &CaseInput, sends: &[PlannedSend]) -> ForewarningContext {
    let local = |t: DateTime<Utc>| t.with_timezone(&owner.time_zone);
    let today = local(owner.now).date_naive();
    ForewarningContext {
        lang: owner.language.as_str(),
        today,
        company: case_context(owner, None).company,
        date: sends.first().map_or(today, |s| local(s.at).date_naive()),
        sends: sends
            .iter()
            .map(|s| SendView {
                client: s.client.clone(),
                step: s.step.0,
                action: s.action.as_str(),
                invoices: s.invoices.iter().map(ToString::to_string).collect(),
                amount: s.amount,
                recipients: s.recipients.iter().map(ToString::to_string).collect(),
                time: local(s.at).format("%H:%M").to_string(),
            })
            .collect(),
    }
}

/// Composes "what goes out tomorrow" so the user can stop a send.
pub fn compose_forewarning(
    templates: &Templates,
    owner: &CaseInput,
    sends: &[PlannedSend],
    message_id: MessageId,
) -> Result<Composed, Error> {
    let ctx = forewarning_context(owner, sends);
    let rendered = templates.render(owner.language, "forewarning", &ctx)?;
    let reference = UserRef {
        client: None,
        invoices: Vec::new(),
        kind: UserKind::Forewarning,
    };
    to_user(&owner.sender, owner.now, &reference, rendered, message_id)
}

/// Composes the weekly digest.
pub fn compose_digest(
    templates: &Templates,
    owner: &CaseInput,
    digest: &Digest,
    message_id: MessageId,
) -> Result<Composed, Error> {
    let ctx = digest_context(owner, digest);
    let rendered = templates.render(owner.language, "digest", &ctx)?;
    let reference = UserRef {
        client: None,
        invoices: Vec::new(),
        kind: UserKind::Digest,
    };
    to_user(&owner.sender, owner.now, &reference, rendered, message_id)
}

fn to_user(
    sender: &Sender,
    now: DateTime<Utc>,
    reference: &UserRef,
    rendered: crate::compose::Rendered,
    message_id: MessageId,
) -> Result<Composed, Error> {
    let outgoing = Outgoing {
        from_name: "relance".to_string(),
        from: sender.email.clone(),
        to: vec![sender.email.clone()],
        subject: rendered.subject.clone(),
        date: now,
        message_id: message_id.clone(),
        in_reply_to: None,
        references: Vec::new(),
        thread_topic: None,
        thread_index: None,
        relance_ref: Some(reference.header()),
        auto_submitted: true,
        body: rendered.body.clone(),
        attachments: Vec::new(),
    };
    Ok(Composed {
        bytes: message::build(&outgoing)?,
        message_id,
        subject: rendered.subject,
        body: rendered.body,
        to: outgoing.to,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn references_round_trip_through_the_message_id() {
        let mut rng = StdRng::seed_from_u64(1);
        for reference in [
            UserRef {
                client: Some(ClientId(7)),
                invoices: vec![InvoiceId(1), InvoiceId(22)],
                kind: UserKind::CallTask,
            },
            UserRef {
                client: Some(ClientId(3)),
                invoices: vec![InvoiceId(9)],
                kind: UserKind::Alert(AlertKind::UnknownReply),
            },
            UserRef {
                client: None,
                invoices: Vec::new(),
                kind: UserKind::Digest,
            },
        ] {
            let id = reference.new_message_id("atelier.example.fr", &mut rng);
            assert_eq!(
                UserRef::from_message_id(&id),
                Some(reference.clone()),
                "{id}"
            );
        }
        let foreign = MessageId::new("CAF00@mail.gmail.com").unwrap();
        assert_eq!(UserRef::from_message_id(&foreign), None);
    }

    #[test]
    fn header_names_client_invoices_and_kind() {
        let reference = UserRef {
            client: Some(ClientId(7)),
            invoices: vec![InvoiceId(1), InvoiceId(2)],
            kind: UserKind::Alert(AlertKind::Dispute),
        };
        assert_eq!(
            reference.header(),
            "client=7; invoices=1,2; kind=alert-dispute"
        );
        assert_eq!(reference.kind.template(), "alert_dispute");
    }
}

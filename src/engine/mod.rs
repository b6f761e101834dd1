//! The sequence engine: given one client's case, the policy that applies to
//! it and the current instant, decide what is due now and when to wake next.
//!
//! Pure and deterministic: no IO, no clock (`now` is an argument), no async.
//! Events enter as data (`Case::events`), everything already done is in
//! `Case::history`, and the engine returns actions as data; the daemon carries
//! them out and records them in the history, which is what makes a step never
//! repeat and an alert go out once. [`simulate`] replays `decide` over time.

mod decide;
mod events;
mod ladder;
mod next;
mod reason;
mod simulate;
#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::calendar::{self, Calendar, SendingWindow, WeekdaySet};
use crate::domain::{
    CalendarKind, CaseState, ClientId, EmailAddress, EventId, Grouping, InvoiceId, InvoiceNumber,
    InvoiceStatus, Money, ReplyClass, StepAction, StepNo,
};

pub use decide::decide;
pub use simulate::{PlannedAction, PlannedStep, simulate};

/// A delay counted in business days of the policy's calendar or in calendar
/// days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Delay {
    BusinessDays(u32),
    CalendarDays(u32),
}

impl Delay {
    /// The date `self` after `date`: business days skip weekends and the
    /// holidays of `cal`; calendar days do not.
    pub fn after(self, cal: &Calendar, date: NaiveDate) -> NaiveDate {
        match self {
            Delay::BusinessDays(n) => cal.add_business_days(date, n),
            Delay::CalendarDays(n) => calendar::add_days(date, n),
        }
    }
}

/// One rung of the ladder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRule {
    pub action: StepAction,
    /// Counted from the due date of the oldest overdue invoice.
    pub delay: Delay,
    /// Template name (without language or extension), e.g. `step1`.
    pub template: String,
}

/// Everything the engine needs to know about the rules for one client:
/// the global configuration with that client's overrides already applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub ladder: Vec<StepRule>,
    pub grouping: Grouping,
    pub calendar: Calendar,
    pub window: SendingWindow,
    /// Minimum gap between two messages to the same client.
    pub min_gap: Delay,
    /// Overdue balances below this are not chased.
    pub min_amount: Decimal,
    /// Postponement after the user's own message in the thread.
    pub manual_contact_delay: Delay,
    /// Added to a promised date before the ladder resumes.
    pub promise_grace: Delay,
    /// Postponement for an out-of-office reply that states no return date.
    pub ooo_default_delay: Delay,
    /// How long a "paid" reply pauses the ladder before it resumes unless the
    /// user confirms the payment.
    pub paid_confirmation_delay: Delay,
    /// Payment deadline stated in the formal notice, from its date.
    pub notice_deadline: Delay,
    /// Step 5 (notice) is only taken once the user confirmed it for this
    /// client. Until then the case waits at step 4 with one NoticeReady
    /// alert; without a confirmation the sequence ends the day after
    /// `notice_deadline` counted from that alert.
    pub notice_requires_confirmation: bool,
    /// The client is excluded from reminders altogether.
    pub excluded: bool,
}

/// One invoice of the case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseInvoice {
    pub id: InvoiceId,
    pub number: InvoiceNumber,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    /// The invoice total.
    pub amount: Money,
    /// What the ledger says the client paid on it. Amounts stated in
    /// `partial` replies are added by the engine on top: do not fold them in
    /// here as well.
    pub paid: Decimal,
    pub status: InvoiceStatus,
    /// Paused by the user for this invoice alone.
    pub paused: bool,
}

/// A known address of the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub address: EmailAddress,
    /// Added as the billing contact in the configuration (used after a bounce).
    pub billing: bool,
    /// A delivery failure was reported for this address.
    pub bounced: bool,
}

/// Something that happened and changes the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub at: DateTime<Utc>,
    /// The invoices it concerns; empty means every open invoice of the client.
    pub invoices: Vec<InvoiceId>,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// A classified message from the client (or an auto-reply/bounce).
    Reply {
        class: ReplyClass,
        /// Promised date, date for the rest, or first day back.
        date: Option<NaiveDate>,
        /// Amount paid, for `partial`.
        amount: Option<Decimal>,
        from: EmailAddress,
        /// False when the sender is outside the client's known addresses and
        /// domain: the effect still applies, with an alert to the user.
        known_sender: bool,
        /// For bounces: the address that failed, when the report names it.
        failed_address: Option<EmailAddress>,
    },
    /// The user wrote in the thread from their own mail client.
    ManualContact,
    /// The user (CLI or reply to an alert) says the client promised `date`.
    UserPromise {
        date: NaiveDate,
    },
    /// The user confirms the client's payment was received.
    UserConfirmPaid,
    /// The user says the client's "paid" was wrong: resume now.
    UserRejectPaid,
    UserPause,
    UserResume,
    /// The user allows step 5 (formal notice) for this client.
    UserConfirmNotice,
    /// The user stops the sequence (CLI `pause` without end, or `relance-stop`).
    UserStop,
}

/// What was already sent or handed to the user for this client.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    pub at: DateTime<Utc>,
    pub kind: SentKind,
    pub invoices: Vec<InvoiceId>,
    pub recipients: Vec<EmailAddress>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SentKind {
    Step {
        step: StepNo,
        action: StepAction,
        promise_not_kept: bool,
    },
    Alert {
        kind: AlertKind,
        event: Option<EventId>,
    },
    EndOfSequence,
}

crate::domain::spelled_enum! {
    /// Why the user is alerted.
    pub enum AlertKind {
        /// Delivery failed and no other contact is left.
        Bounce => "bounce",
        Dispute => "dispute",
        Question => "question",
        /// A reply classified `other`, or from an unknown sender.
        UnknownReply => "unknown-reply",
        /// The client says it paid: please confirm receipt.
        ConfirmPaid => "confirm-paid",
        /// Step 5 is next and waits for the user's confirmation.
        NoticeReady => "notice-ready",
        /// The limitation period of an invoice runs out soon.
        Limitation => "limitation",
    }
}

/// One client's situation, as the store assembles it.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub client: ClientId,
    pub client_name: String,
    pub contacts: Vec<Contact>,
    pub invoices: Vec<CaseInvoice>,
    /// In time order.
    pub events: Vec<Event>,
    /// In time order.
    pub history: Vec<Sent>,
}

/// Something to carry out now.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Action {
    /// Take ladder step `step` for these invoices.
    Step {
        step: StepNo,
        action: StepAction,
        template: String,
        invoices: Vec<InvoiceId>,
        recipients: Vec<EmailAddress>,
        promise_not_kept: bool,
    },
    /// Tell the user something needs them.
    Alert {
        kind: AlertKind,
        event: Option<EventId>,
        invoices: Vec<InvoiceId>,
    },
    /// The ladder is over for these invoices; tell the user what is left.
    EndOfSequence { invoices: Vec<InvoiceId> },
}

/// The next thing the engine plans, for `status` and the forewarning.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Planned {
    pub at: DateTime<Utc>,
    pub action: Action,
}

/// Where one invoice stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvoiceView {
    pub invoice: InvoiceId,
    pub state: CaseState,
    /// Last step done for it, `StepNo(0)` if none.
    pub step: StepNo,
}

/// The engine's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// Due now, in the order to carry them out.
    pub actions: Vec<Action>,
    /// The next planned action after those, if any.
    pub next: Option<Planned>,
    /// When to call `decide` again at the latest (an event may come sooner).
    pub next_wake: Option<DateTime<Utc>>,
    /// One entry per invoice of the case.
    pub invoices: Vec<InvoiceView>,
    /// Why, for the audit log.
    pub reason: String,
}

impl Policy {
    /// The defaults of SPEC §1 for a French freelancer: French calendar,
    /// Monday to Friday 09:00–17:30 in Europe/Paris, grouped per client,
    /// formal notice only once the user confirms it.
    pub fn default_fr() -> Policy {
        Policy {
            ladder: default_ladder(),
            grouping: Grouping::PerClient,
            calendar: Calendar::new(CalendarKind::Fr),
            window: SendingWindow {
                days: WeekdaySet::MON_FRI,
                from: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN),
                to: NaiveTime::from_hms_opt(17, 30, 0).unwrap_or(NaiveTime::MIN),
                time_zone: chrono_tz::Europe::Paris,
                skip_holidays: true,
            },
            min_gap: Delay::BusinessDays(3),
            min_amount: Decimal::ZERO,
            manual_contact_delay: Delay::BusinessDays(5),
            promise_grace: Delay::BusinessDays(2),
            ooo_default_delay: Delay::CalendarDays(7),
            paid_confirmation_delay: Delay::BusinessDays(5),
            notice_deadline: Delay::CalendarDays(15),
            notice_requires_confirmation: true,
            excluded: false,
        }
    }
}

/// The five steps of SPEC §1, counted from the oldest overdue due date;
/// templates are named `step1` to `step5`.
pub fn default_ladder() -> Vec<StepRule> {
    let rung = |action, delay, template: &str| StepRule {
        action,
        delay,
        template: template.to_string(),
    };
    vec![
        rung(StepAction::Email, Delay::BusinessDays(2), "step1"),
        rung(StepAction::Email, Delay::BusinessDays(8), "step2"),
        rung(StepAction::CallTask, Delay::CalendarDays(15), "step3"),
        rung(StepAction::Email, Delay::CalendarDays(20), "step4"),
        rung(StepAction::Notice, Delay::BusinessDays(25), "step5"),
    ]
}

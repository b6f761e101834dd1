//! Every default of the file in one place, so validation and the built-in
//! configuration used without a file (`detect`, `classify`) cannot drift.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{NaiveTime, Weekday};
use chrono_tz::Tz;
use rust_decimal::Decimal;

use super::model::{Company, Detect, DetectRules, Digest, Indemnity, LogFormat, Logging};
use super::model::{Penalties, PenaltyRegime, Sequence, State};
use crate::calendar::{SendingWindow, WeekdaySet};
use crate::domain::{
    CalendarKind, Currency, EmailAddress, Grouping, Language, Mode, Money, StepAction,
};
use crate::engine::{Delay, StepRule};

pub(crate) const TIME_ZONE: Tz = chrono_tz::Europe::Paris;
pub(crate) const LANGUAGE: Language = Language::Fr;
pub(crate) const DATABASE: &str = "/var/lib/relance/relance.db";
pub(crate) const PAYMENT_TERMS_DAYS: u32 = 30;
pub(crate) const CURRENCY: Currency = Currency::EUR;
pub(crate) const MODE: Mode = Mode::Send;
pub(crate) const CALENDAR: CalendarKind = CalendarKind::Fr;
pub(crate) const GROUPING: Grouping = Grouping::PerClient;
pub(crate) const WINDOW_FROM: NaiveTime = hm(9, 0);
pub(crate) const WINDOW_TO: NaiveTime = hm(17, 30);
pub(crate) const MIN_GAP: Delay = Delay::BusinessDays(3);
pub(crate) const MANUAL_CONTACT_DELAY: Delay = Delay::BusinessDays(5);
pub(crate) const PROMISE_GRACE: Delay = Delay::BusinessDays(2);
pub(crate) const OOO_DEFAULT_DELAY: Delay = Delay::CalendarDays(7);
pub(crate) const PAID_CONFIRMATION_DELAY: Delay = Delay::BusinessDays(5);
pub(crate) const NOTICE_DEADLINE: Delay = Delay::CalendarDays(15);
pub(crate) const LIMITATION_WARNING: Delay = Delay::CalendarDays(90);
pub(crate) const RATE_LIMIT: u32 = 20;
pub(crate) const FOREWARNING_AT: NaiveTime = hm(17, 0);
pub(crate) const DIGEST: Digest = Digest {
    day: Weekday::Mon,
    at: hm(8, 0),
};
pub(crate) const POLL_INTERVAL: Duration = Duration::from_secs(300);
pub(crate) const REGIME: PenaltyRegime = PenaltyRegime::FrB2b;
pub(crate) const LOG_LEVEL: &str = "info";

const fn hm(h: u32, m: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(h, m, 0) {
        Some(t) => t,
        None => NaiveTime::MIN,
    }
}

/// The ladder of SPEC §1.
pub(crate) fn ladder() -> Vec<StepRule> {
    [
        (StepAction::Email, Delay::BusinessDays(2)),
        (StepAction::Email, Delay::BusinessDays(8)),
        (StepAction::CallTask, Delay::CalendarDays(15)),
        (StepAction::Email, Delay::CalendarDays(20)),
        (StepAction::Notice, Delay::BusinessDays(25)),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (action, delay))| StepRule {
        action,
        delay,
        template: template_name(i),
    })
    .collect()
}

/// `step1`, `step2`, … for the step at zero-based `index`.
pub(crate) fn template_name(index: usize) -> String {
    format!("step{}", index + 1)
}

/// The template of a custom step with no `template`: the `nth` (zero-based)
/// step with this action in the default ladder, or its last such step, so a
/// second email gets the firmer wording and a call task the call template.
pub(crate) fn template_for(action: StepAction, nth: usize) -> String {
    let same: Vec<String> = ladder()
        .into_iter()
        .filter(|s| s.action == action)
        .map(|s| s.template)
        .collect();
    same.get(nth)
        .or(same.last())
        .cloned()
        .unwrap_or_else(|| template_name(nth))
}

/// The legal margin over the reference rate.
pub(crate) fn margin(regime: PenaltyRegime) -> Decimal {
    match regime {
        PenaltyRegime::FrB2b => Decimal::from(10),
        PenaltyRegime::UkB2b => Decimal::from(8),
        PenaltyRegime::None => Decimal::ZERO,
    }
}

/// The indemnity the law sets.
pub(crate) fn indemnity(regime: PenaltyRegime) -> Indemnity {
    match regime {
        PenaltyRegime::FrB2b => Indemnity::Flat(Money::new(Decimal::from(40), Currency::EUR)),
        PenaltyRegime::UkB2b => Indemnity::UkTiered,
        PenaltyRegime::None => Indemnity::None,
    }
}

/// The currency of amounts written for this regime without one.
pub(crate) fn regime_currency(regime: PenaltyRegime, fallback: Currency) -> Currency {
    match regime {
        PenaltyRegime::FrB2b => Currency::EUR,
        PenaltyRegime::UkB2b => Currency::GBP,
        PenaltyRegime::None => fallback,
    }
}

/// The identity used without a file; `.invalid` so nothing can reach it.
pub(crate) fn company() -> Company {
    // A literal known to be valid, not data from outside.
    #[allow(clippy::expect_used)]
    let email = EmailAddress::parse("relance@localhost.invalid").expect("valid literal address");
    Company {
        name: String::new(),
        email,
        sender_name: String::new(),
        language: LANGUAGE,
        time_zone: TIME_ZONE,
        legal_name: None,
        address: None,
        siren: None,
        siret: None,
        vat_number: None,
        phone: None,
        signature: None,
        place: None,
        domain: "localhost.invalid".into(),
    }
}

pub(crate) fn state() -> State {
    State {
        database: PathBuf::from(DATABASE),
        since: None,
    }
}

pub(crate) fn detect() -> Detect {
    Detect {
        scan_sent: true,
        factur_x: true,
        invoice_senders: Vec::new(),
        payment_terms_days: PAYMENT_TERMS_DAYS,
        default_currency: CURRENCY,
        rules: DetectRules::default(),
    }
}

pub(crate) fn window(time_zone: Tz) -> SendingWindow {
    SendingWindow {
        days: WeekdaySet::MON_FRI,
        from: WINDOW_FROM,
        to: WINDOW_TO,
        time_zone,
        skip_holidays: true,
    }
}

pub(crate) fn sequence(time_zone: Tz) -> Sequence {
    Sequence {
        mode: MODE,
        calendar: CALENDAR,
        window: window(time_zone),
        grouping: GROUPING,
        ladder: ladder(),
        min_gap: MIN_GAP,
        manual_contact_delay: MANUAL_CONTACT_DELAY,
        promise_grace: PROMISE_GRACE,
        ooo_default_delay: OOO_DEFAULT_DELAY,
        paid_confirmation_delay: PAID_CONFIRMATION_DELAY,
        notice_deadline: NOTICE_DEADLINE,
        limitation_warning: LIMITATION_WARNING,
        minimum_amount: Money::zero(CURRENCY),
        rate_limit: RATE_LIMIT,
        marked_subjects: false,
        forewarning: Some(FOREWARNING_AT),
        digest: Some(DIGEST),
        notice_requires_confirmation: true,
        email_notice: false,
    }
}

pub(crate) fn penalties() -> Penalties {
    Penalties {
        regime: REGIME,
        contractual_rate: None,
        margin: margin(REGIME),
        indemnity: indemnity(REGIME),
        rates: Vec::new(),
    }
}

pub(crate) fn logging() -> Logging {
    Logging {
        level: LOG_LEVEL.into(),
        format: LogFormat::Text,
    }
}

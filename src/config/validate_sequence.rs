//! Raw file -> typed configuration, second half: detection rules, the
//! ladder and its delays, penalties, per-client overrides and logging.

use chrono_tz::Tz;

use super::defaults;
use super::error::Error;
use super::model::{
    DatedRate, Detect, DetectRules, Digest, Indemnity, LogFormat, Logging, Penalties,
    PenaltyRegime, Sequence,
};
use super::raw::S;
use super::raw_sequence::{
    RawDate, RawDetect, RawLogging, RawPenalties, RawSequence, RawStep, RawWindow,
};
use super::validate::Check;
use super::values;
use crate::calendar::{SendingWindow, WeekdaySet};
use crate::domain::{Currency, Money, StepAction};
use crate::engine::{Delay, StepRule};

pub(crate) fn detect(ck: &Check<'_>, raw: &RawDetect) -> Result<Detect, Error> {
    let re = |v: &Option<S<String>>, capturing: bool| ck.maybe(v, |s| values::regex(s, capturing));
    let rules = DetectRules {
        subject: re(&raw.subject, false)?,
        body: re(&raw.body, false)?,
        attachment_name: re(&raw.attachment_name, false)?,
        number: re(&raw.number, true)?,
        amount: re(&raw.amount, true)?,
        currency: re(&raw.currency, true)?,
        issue_date: re(&raw.issue_date, true)?,
        due_date: re(&raw.due_date, true)?,
    };
    Ok(Detect {
        scan_sent: raw.scan_sent.unwrap_or(true),
        factur_x: raw.factur_x.unwrap_or(true),
        invoice_senders: raw
            .invoice_senders
            .iter()
            .map(|s| ck.at(s, |t| values::email(t)))
            .collect::<Result<_, _>>()?,
        payment_terms_days: raw
            .payment_terms_days
            .unwrap_or(defaults::PAYMENT_TERMS_DAYS),
        default_currency: ck.opt(&raw.default_currency, defaults::CURRENCY, |s| currency(s))?,
        rules,
    })
}

fn currency(text: &str) -> Result<Currency, String> {
    Currency::parse(text)
        .ok_or_else(|| format!("invalid currency '{text}', expected an ISO code such as EUR"))
}

pub(crate) fn sequence(
    ck: &Check<'_>,
    raw: &RawSequence,
    tz: Tz,
    currency: Currency,
) -> Result<Sequence, Error> {
    let time = |v: &Option<S<String>>, def| ck.opt(v, def, |s| values::time(s));
    let d = |v: &Option<S<String>>, def| ck.opt(v, def, |s| values::delay(s));
    let forewarning_at = time(&raw.forewarning_at, defaults::FOREWARNING_AT)?;
    let digest = Digest {
        day: ck.opt(&raw.digest_day, defaults::DIGEST.day, |s| {
            values::weekday(s)
        })?,
        at: time(&raw.digest_at, defaults::DIGEST.at)?,
    };
    Ok(Sequence {
        mode: ck.opt(&raw.mode, defaults::MODE, |s| values::spelled("mode", s))?,
        calendar: ck.opt(&raw.calendar, defaults::CALENDAR, |s| {
            values::spelled("calendar", s)
        })?,
        window: match &raw.window {
            Some(w) => window(ck, w, tz)?,
            None => defaults::window(tz),
        },
        grouping: ck.opt(&raw.grouping, defaults::GROUPING, |s| {
            values::spelled("grouping", s)
        })?,
        ladder: match &raw.step {
            Some(steps) => ladder(ck, steps)?,
            None => defaults::ladder(),
        },
        min_gap: d(&raw.min_gap, defaults::MIN_GAP)?,
        manual_contact_delay: d(&raw.manual_contact_delay, defaults::MANUAL_CONTACT_DELAY)?,
        promise_grace: d(&raw.promise_grace, defaults::PROMISE_GRACE)?,
        ooo_default_delay: d(&raw.ooo_default_delay, defaults::OOO_DEFAULT_DELAY)?,
        paid_confirmation_delay: d(
            &raw.paid_confirmation_delay,
            defaults::PAID_CONFIRMATION_DELAY,
        )?,
        notice_deadline: d(&raw.notice_deadline, defaults::NOTICE_DEADLINE)?,
        limitation_warning: d(&raw.limitation_warning, defaults::LIMITATION_WARNING)?,
        minimum_amount: ck.opt(&raw.minimum_amount, Money::zero(currency), |n| {
            values::amount(n, currency)
        })?,
        rate_limit: ck.opt(&raw.rate_limit, defaults::RATE_LIMIT, |n| match *n {
            0 => Err("rate-limit 0 would never send, expected at least 1 message per hour".into()),
            n => Ok(n),
        })?,
        marked_subjects: raw.marked_subjects.unwrap_or(false),
        forewarning: raw.forewarning.unwrap_or(true).then_some(forewarning_at),
        digest: raw.digest.unwrap_or(true).then_some(digest),
        notice_requires_confirmation: raw.notice_requires_confirmation.unwrap_or(true),
        email_notice: raw.email_notice.unwrap_or(false),
    })
}

fn window(ck: &Check<'_>, raw: &S<RawWindow>, tz: Tz) -> Result<SendingWindow, Error> {
    let w = raw.get_ref();
    let days = ck.opt(&w.days, WeekdaySet::MON_FRI, |s| {
        WeekdaySet::parse(s).ok_or_else(|| {
            format!(
                "invalid window days '{s}', expected weekdays such as 'mon-fri' or 'mon,wed,fri'"
            )
        })
    })?;
    let from = ck.opt(&w.from, defaults::WINDOW_FROM, |s| values::time(s))?;
    let to = ck.opt(&w.to, defaults::WINDOW_TO, |s| values::time(s))?;
    if to <= from {
        let span = w.to.as_ref().map_or_else(|| raw.span(), |t| t.span());
        return Err(ck.error(
            &span,
            format!(
                "window closes at {} but opens at {}, expected 'to' later than 'from'",
                to.format("%H:%M"),
                from.format("%H:%M")
            ),
        ));
    }
    Ok(SendingWindow {
        days,
        from,
        to,
        time_zone: tz,
        skip_holidays: w.skip_holidays.unwrap_or(true),
    })
}

/// A ladder: at least one step, actions known, delays that never go back
/// in time within one unit (business days and calendar days do not compare).
pub(crate) fn ladder(ck: &Check<'_>, raw: &S<Vec<RawStep>>) -> Result<Vec<StepRule>, Error> {
    let steps = raw.get_ref();
    if steps.is_empty() || steps.len() > usize::from(u8::MAX) {
        return Err(ck.error(&raw.span(), "a ladder needs between 1 and 255 steps"));
    }
    let mut ladder: Vec<StepRule> = Vec::with_capacity(steps.len());
    for (i, step) in steps.iter().enumerate() {
        let action: StepAction = ck.at(&step.action, |s| values::spelled("step action", s))?;
        let delay = ck.at(&step.delay, |s| values::delay(s))?;
        if let Some(prev) = ladder.iter().rev().find(|p| same_unit(p.delay, delay))
            && days(delay) < days(prev.delay)
        {
            return Err(ck.error(
                &step.delay.span(),
                format!(
                    "step {} comes {} after the due date, before the step above it ({}), \
                     expected steps in time order",
                    i + 1,
                    values::delay_text(delay),
                    values::delay_text(prev.delay)
                ),
            ));
        }
        let template = match &step.template {
            Some(t) => ck.at(t, |s| template_name(s))?,
            None => {
                let nth = ladder.iter().filter(|s| s.action == action).count();
                defaults::template_for(action, nth)
            }
        };
        ladder.push(StepRule {
            action,
            delay,
            template,
        });
    }
    Ok(ladder)
}

fn same_unit(a: Delay, b: Delay) -> bool {
    matches!(
        (a, b),
        (Delay::BusinessDays(_), Delay::BusinessDays(_))
            | (Delay::CalendarDays(_), Delay::CalendarDays(_))
    )
}

fn days(d: Delay) -> u32 {
    match d {
        Delay::BusinessDays(n) | Delay::CalendarDays(n) => n,
    }
}

/// Template names become file names: keep them to a safe alphabet.
fn template_name(text: &str) -> Result<String, String> {
    let ok = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(text.to_string())
    } else {
        Err(format!(
            "invalid template name '{text}', expected letters, digits, '-' or '_' (e.g. 'step1')"
        ))
    }
}

pub(crate) fn penalties(
    ck: &mut Check<'_>,
    raw: &RawPenalties,
    fallback: Currency,
) -> Result<Penalties, Error> {
    let regimes = [
        ("fr-b2b", PenaltyRegime::FrB2b),
        ("uk-b2b", PenaltyRegime::UkB2b),
        ("none", PenaltyRegime::None),
    ];
    let regime = ck.opt(&raw.regime, defaults::REGIME, |s| {
        values::choice("penalty regime", s, &regimes)
    })?;
    let currency = defaults::regime_currency(regime, fallback);
    let indemnity = match &raw.fixed_indemnity {
        Some(v) => match ck.at(v, |n| values::amount(n, currency))? {
            m if m.amount.is_zero() => Indemnity::None,
            m => Indemnity::Flat(m),
        },
        None => defaults::indemnity(regime),
    };
    let rates = rates(ck, raw)?;
    let contractual_rate = ck.maybe(&raw.contractual_rate, values::decimal)?;
    if regime != PenaltyRegime::None && contractual_rate.is_none() && rates.is_empty() {
        ck.warnings.push(format!(
            "{}: no [[penalties.rate]] and no contractual-rate: reminders will state the \
             penalties without computing them",
            ck.src.path.display()
        ));
    }
    Ok(Penalties {
        regime,
        contractual_rate,
        margin: ck.opt(&raw.margin, defaults::margin(regime), values::decimal)?,
        indemnity,
        rates,
    })
}

/// The dated rates, sorted, one per date.
fn rates(ck: &Check<'_>, raw: &RawPenalties) -> Result<Vec<DatedRate>, Error> {
    let mut rates: Vec<(DatedRate, &S<RawDate>)> = Vec::new();
    for r in &raw.rate {
        let from = ck.at(&r.from, values::date)?;
        let rate = ck.at(&r.rate, values::decimal)?;
        rates.push((DatedRate { from, rate }, &r.from));
    }
    rates.sort_by_key(|(r, _)| r.from);
    if let Some(pair) = rates.windows(2).find(|w| w[0].0.from == w[1].0.from) {
        return Err(ck.error(
            &pair[1].1.span(),
            format!(
                "rate date {} appears twice, expected one rate per date",
                pair[1].0.from
            ),
        ));
    }
    Ok(rates.into_iter().map(|(r, _)| r).collect())
}

pub(crate) fn logging(ck: &Check<'_>, raw: &RawLogging) -> Result<Logging, Error> {
    let formats = [("text", LogFormat::Text), ("json", LogFormat::Json)];
    Ok(Logging {
        level: ck.opt(&raw.level, defaults::LOG_LEVEL.to_string(), |s| {
            tracing_subscriber::EnvFilter::try_new(s)
                .map(|_| s.clone())
                .map_err(|e| {
                    format!(
                        "invalid log level '{s}': {e}, expected e.g. 'info' or 'relance=debug,warn'"
                    )
                })
        })?,
        format: ck.opt(&raw.format, LogFormat::Text, |s| {
            values::choice("log format", s, &formats)
        })?,
    })
}

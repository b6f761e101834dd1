//! Intent: paid, promise, partial, dispute, question or other, read sentence
//! by sentence from the client's new text, then combined by READING.md's
//! precedence (dispute > question > partial > promise > paid > other).
//! Negation and conditions reach only within their clause; a wrong "paid"
//! costs most, so "paid" needs an explicit statement of a payment made.

mod cues;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::classify::amount::find_amounts;
use crate::classify::dates::{DateContext, DateHit, find_dates};
use crate::classify::norm::{Sentence, clauses};
use crate::domain::ReplyClass;
use cues::*;

/// What the client's words say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    pub class: ReplyClass,
    pub date: Option<NaiveDate>,
    pub amount: Option<Decimal>,
    pub evidence: String,
}

/// What one sentence says, before precedence.
#[derive(Debug, Default)]
struct Reading {
    dispute: bool,
    question: bool,
    item: bool,
    request: bool,
    paid: bool,
    partial: bool,
    rest: bool,
    paid_amount: Option<Decimal>,
    promise: Option<NaiveDate>,
    /// The promise names paying or money, not only a commitment verb.
    strong: bool,
    arrival: bool,
    /// Paid clauses: (start, end, end of the paid statement).
    paid_spans: Vec<(usize, usize, usize)>,
    /// Conditional clauses.
    skip_spans: Vec<(usize, usize)>,
}

/// Reads the sentences of a reply. Without a date context ("today" unknown)
/// no relative date resolves, so no promise is found.
pub fn read(sentences: &[Sentence], ctx: Option<&DateContext>) -> Intent {
    let words: usize = sentences
        .iter()
        .map(|s| s.norm.split_whitespace().count())
        .sum();
    let short = words <= 15;
    let readings: Vec<Reading> = sentences
        .iter()
        .map(|s| read_sentence(s, ctx, short))
        .collect();
    let evidence = |i: usize| sentences.get(i).map(|s| s.text.clone()).unwrap_or_default();
    let first = |f: fn(&Reading) -> bool| readings.iter().position(f);
    let intent = |class, date, amount, i| Intent {
        class,
        date,
        amount,
        evidence: evidence(i),
    };

    if let Some(i) = first(|r| r.dispute) {
        return intent(ReplyClass::Dispute, None, None, i);
    }
    let asks_across = readings
        .windows(2)
        .position(|w| (w[0].item && w[1].request) || (w[0].request && w[1].item));
    if let Some(i) = first(|r| r.question).or(asks_across) {
        return intent(ReplyClass::Question, None, None, i);
    }
    let paid = first(|r| r.paid);
    // A dated sentence about paying outranks one that only commits ("nos
    // bureaux seront fermés le 14"); among equals the latest date wins.
    let promise = readings
        .iter()
        .enumerate()
        .filter(|(_, r)| !(paid.is_some() && r.arrival))
        .filter_map(|(i, r)| r.promise.map(|d| (r.strong, d, i)))
        .max_by_key(|(strong, d, i)| (*strong, *d, std::cmp::Reverse(*i)))
        .map(|(_, d, i)| (d, i));
    if let Some(p) = paid {
        let partial = readings.iter().any(|r| r.partial) || readings.iter().any(|r| r.rest);
        if partial {
            let amount = readings.get(p).and_then(|r| r.paid_amount);
            return intent(ReplyClass::Partial, promise.map(|(d, _)| d), amount, p);
        }
    }
    if let Some((date, i)) = promise {
        return intent(ReplyClass::Promise, Some(date), None, i);
    }
    if let Some(p) = paid {
        return intent(ReplyClass::Paid, None, None, p);
    }
    let first_words = sentences
        .iter()
        .position(|s| !is_greeting(&s.norm))
        .unwrap_or(0);
    intent(ReplyClass::Other, None, None, first_words)
}

fn is_greeting(norm: &str) -> bool {
    const GREETINGS: &[&str] = &[
        "bonjour",
        "bonsoir",
        "hello",
        "hi ",
        "hi,",
        "dear",
        "madame",
        "monsieur",
        "cher",
        "chere",
        "salut",
        "good morning",
        "good afternoon",
    ];
    norm.split_whitespace().count() <= 4 && GREETINGS.iter().any(|g| norm.starts_with(g))
}

fn read_sentence(s: &Sentence, ctx: Option<&DateContext>, short: bool) -> Reading {
    // A parenthesis is an aside: "(EUR 900)", "(référence INV-12)" must not
    // sit between a payment and its verb. Amounts are still read from it.
    let compact = without_asides(&s.norm);
    let norm = compact.as_ref();
    let hits: Vec<DateHit> = ctx.map(|c| find_dates(norm, c)).unwrap_or_default();
    let today = ctx.map(|c| c.today);
    let cues = SENTENCE_CUES.matches(norm);
    let has = |cue: Cue| cues.matched(cue as usize);
    let spans = clauses(norm);
    let may_veto = has(Cue::ReportBack) || has(Cue::Absence);
    let mut r = read_clauses(&spans, &s.norm, &hits, today);
    r.partial |= r.paid && has(Cue::Partial);
    r.question = asks(norm, &has);
    // Across sentences only a specific item counts: "facture" alone is in
    // every reply.
    let receipt = has(Cue::ConfirmReceipt);
    r.item = !receipt
        && has(Cue::AskedItem)
        && ASKED_ITEM.find_iter(norm).any(|m| m.as_str() != "facture");
    r.request = !receipt && (has(Cue::Request) || norm.contains('?'));
    r.arrival = has(Cue::Arrival);
    let promised_after_paid = |h: &DateHit, &(start, end, paid_end): &(usize, usize, usize)| {
        !inside(h, (start, end)) || {
            let between = norm.get(paid_end..h.start).unwrap_or("");
            h.start >= paid_end && (FUTURE.is_match(between) || REST.is_match(between))
        }
    };
    let candidates = hits.iter().filter(|h| {
        r.paid_spans.iter().all(|p| promised_after_paid(h, p))
            && !r.skip_spans.iter().any(|&span| inside(h, span))
            && !REFERENCE.is_match(norm.get(..h.start).unwrap_or(""))
            && Some(h.date) >= today
            && (Some(h.date) != today || (near_payment(norm, h) && !is_record(norm, h)))
            && !(may_veto && vetoed(&spans, h))
    });
    let latest = candidates.map(|h| h.date).max();
    if latest.is_some() && commits(norm, short, &has) {
        r.promise = latest;
        r.strong = has(Cue::PayFuture) || has(Cue::Topic);
    }
    r
}

/// `norm` without its short parenthesised asides.
fn without_asides(norm: &str) -> std::borrow::Cow<'_, str> {
    if !norm.contains('(') {
        return std::borrow::Cow::Borrowed(norm);
    }
    let mut out = String::with_capacity(norm.len());
    let mut rest = norm;
    while let Some(open) = rest.find('(') {
        let close = rest[open..].find(')').map(|c| open + c);
        match close {
            Some(close) if close - open <= 80 => {
                out.push_str(&rest[..open]);
                out.push(' ');
                rest = &rest[close + 1..];
            }
            _ => break,
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// A form field that records today's date ("Date de règlement : 03/04",
/// "Payment date: 06/02/2026"): what happened, not what is promised.
fn is_record(norm: &str, hit: &DateHit) -> bool {
    let before = norm.get(..hit.start).unwrap_or("").trim_end();
    let Some(label) = before.strip_suffix(':') else {
        return false;
    };
    let label = label.rsplit(['.', ';']).next().unwrap_or(label);
    RECORD_LABEL.is_match(label)
}

/// Being away or reporting back, in the hit's own clause and without a
/// payment verb there: "je m'en occupe en rentrant de rdv" does not undo
/// "virement ce vendredi" in the clause before.
fn vetoed(spans: &[(usize, &str)], hit: &DateHit) -> bool {
    spans
        .iter()
        .find(|(start, clause)| hit.start >= *start && hit.start < start + clause.len())
        .is_some_and(|(_, clause)| {
            (ABSENCE.is_match(clause) || REPORT_BACK.is_match(clause))
                && !PAY_FUTURE.is_match(clause)
        })
}

/// The clause-by-clause part of a sentence: disputes, paid statements and
/// their amounts, a rest to come, and the spans whose dates are no promise
/// (conditions, and paid clauses up to the end of their statement: a date
/// after "and will pay the balance" still counts).
fn read_clauses(
    spans: &[(usize, &str)],
    full: &str,
    hits: &[DateHit],
    today: Option<NaiveDate>,
) -> Reading {
    let mut r = Reading::default();
    for &(offset, whole) in spans {
        let mut clause = whole;
        let mut cues = CLAUSE_CUES.matches(clause);
        if cues.matched(ClauseCue::Conditional as usize) {
            // A condition governs the words after its conjunction: "we
            // expect to pay early April once the grant comes through".
            let cut = CONDITIONAL.find(clause).map_or(0, |m| m.start());
            r.skip_spans.push((offset + cut, offset + whole.len()));
            clause = clause.get(..cut).unwrap_or("");
            if clause.trim().is_empty() {
                continue;
            }
            cues = CLAUSE_CUES.matches(clause);
        }
        let span = (offset, offset + clause.len());
        let has = |cue: ClauseCue| cues.matched(cue as usize);
        let contests = has(ClauseCue::Dispute) && !has(ClauseCue::DisputeCancel);
        r.dispute |= has(ClauseCue::DisputeNegative) || contests;
        let future_date = hits.iter().any(|h| inside(h, span) && Some(h.date) > today);
        let negated = has(ClauseCue::Negation);
        let Some(end) = paid_statement(clause, negated, future_date) else {
            r.rest |= has(ClauseCue::Rest);
            continue;
        };
        r.paid = true;
        r.paid_spans.push((span.0, span.1, offset + end));
        if r.paid_amount.is_none() {
            let amounts = find_amounts(clause);
            let amounts = if amounts.is_empty() {
                find_amounts(full)
            } else {
                amounts
            };
            r.paid_amount = amounts.first().map(|a| a.value);
        }
        r.partial |= has(ClauseCue::Partial);
        // "nous avons réglé le solde" is all paid; "réglé 400 € et
        // réglerons le reste fin mars" leaves a rest to come.
        let after = clause.get(end..).unwrap_or("");
        let dated_after = hits
            .iter()
            .any(|h| h.start >= offset + end && inside(h, span));
        r.rest |= REST.is_match(after)
            && (dated_after
                || FUTURE.is_match(after)
                || PAY_FUTURE.is_match(after)
                || LATER.is_match(after));
    }
    r
}

/// Whether a payment word sits within five words of the hit.
fn near_payment(norm: &str, hit: &DateHit) -> bool {
    let before: Vec<&str> = norm
        .get(..hit.start)
        .unwrap_or("")
        .split_whitespace()
        .rev()
        .take(5)
        .collect();
    let after: Vec<&str> = norm
        .get(hit.end..)
        .unwrap_or("")
        .split_whitespace()
        .take(5)
        .collect();
    before
        .iter()
        .chain(after.iter())
        .any(|w| PAY_WORD.is_match(w))
}

fn inside(hit: &DateHit, (start, end): (usize, usize)) -> bool {
    hit.start >= start && hit.start < end
}

/// Where a clause's statement of a payment made ends, if it has one. A
/// scheduling verb with a future date ("virement programmé pour le 15") is a
/// promise instead.
fn paid_statement(clause: &str, negated: bool, future_date: bool) -> Option<usize> {
    if negated {
        return None;
    }
    let strong = PAID_SET
        .matches(clause)
        .iter()
        .next()
        .and_then(|i| PAID.get(i))
        .and_then(|re| re.find(clause));
    let (m, weak) = match strong {
        Some(m) => (m, false),
        None => (PAID_WEAK.find(clause)?, true),
    };
    let before = clause.get(..m.start()).unwrap_or("");
    let after = clause.get(m.end()..).unwrap_or("");
    let future =
        FUTURE.is_match(before) || FUTURE.is_match(m.as_str()) || DEADLINE_AFTER.is_match(after);
    let scheduled = (weak || SCHEDULED.is_match(m.as_str())) && future_date;
    (!future && !scheduled).then_some(m.end())
}

/// Asks for something a human must provide.
fn asks(norm: &str, has: &dyn Fn(Cue) -> bool) -> bool {
    let question_mark = norm.contains('?');
    if has(Cue::ConfirmReceipt) {
        return false;
    }
    (has(Cue::AskedItem) && (has(Cue::Request) || question_mark))
        || has(Cue::MissingInvoice)
        || (question_mark && has(Cue::Topic))
}

/// Whether a dated sentence commits to paying: it speaks of paying or
/// commits to something and is no question (calling back or being away is
/// judged per clause, in [`vetoed`]). In a very short reply a bare date ("Fin du mois.") is the
/// answer to our question.
fn commits(norm: &str, short: bool, has: &dyn Fn(Cue) -> bool) -> bool {
    if norm.contains('?') {
        return false;
    }
    has(Cue::PayFuture) || has(Cue::Topic) || has(Cue::Commit) || short
}

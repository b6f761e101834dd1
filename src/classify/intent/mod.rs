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
    arrival: bool,
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
    let promise = readings
        .iter()
        .enumerate()
        .filter(|(_, r)| !(paid.is_some() && r.arrival))
        .filter_map(|(i, r)| r.promise.map(|d| (d, i)))
        .max_by_key(|(d, i)| (*d, std::cmp::Reverse(*i)));
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
    let norm = s.norm.as_str();
    let hits: Vec<DateHit> = ctx.map(|c| find_dates(norm, c)).unwrap_or_default();
    let today = ctx.map(|c| c.today);
    let mut r = Reading::default();
    // Clause spans whose dates are no promise: conditions, and paid clauses
    // up to the end of their statement (a date after "and will pay the
    // balance" still counts).
    let mut paid_spans: Vec<(usize, usize, usize)> = Vec::new();
    let mut skip_spans: Vec<(usize, usize)> = Vec::new();
    for (offset, clause) in clauses(norm) {
        let span = (offset, offset + clause.len());
        if CONDITIONAL.is_match(clause) {
            skip_spans.push(span);
            continue;
        }
        if DISPUTE_NEGATIVE.is_match(clause)
            || (DISPUTE.is_match(clause) && !DISPUTE_CANCEL.is_match(clause))
        {
            r.dispute = true;
        }
        let future_date = hits.iter().any(|h| inside(h, span) && Some(h.date) > today);
        if let Some(end) = paid_statement(clause, future_date) {
            r.paid = true;
            paid_spans.push((span.0, span.1, offset + end));
            if r.paid_amount.is_none() {
                let amounts = find_amounts(clause);
                let amounts = if amounts.is_empty() {
                    find_amounts(norm)
                } else {
                    amounts
                };
                r.paid_amount = amounts.first().map(|a| a.value);
            }
            r.partial |= PARTIAL.is_match(clause);
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
        } else if REST.is_match(clause) {
            r.rest = true;
        }
    }
    r.partial |= r.paid && PARTIAL.is_match(norm);
    r.question = asks(norm);
    // Across sentences only a specific item counts: "facture" alone is in
    // every reply.
    let receipt = CONFIRM_RECEIPT.is_match(norm);
    r.item = !receipt && ASKED_ITEM.find_iter(norm).any(|m| m.as_str() != "facture");
    r.request = !receipt && (REQUEST.is_match(norm) || norm.contains('?'));
    r.arrival = ARRIVAL.is_match(norm);
    let promised_after_paid = |h: &DateHit, &(start, end, paid_end): &(usize, usize, usize)| {
        !inside(h, (start, end)) || {
            let between = norm.get(paid_end..h.start).unwrap_or("");
            h.start >= paid_end && (FUTURE.is_match(between) || REST.is_match(between))
        }
    };
    let candidates = hits.iter().filter(|h| {
        paid_spans.iter().all(|p| promised_after_paid(h, p))
            && !skip_spans.iter().any(|&span| inside(h, span))
            && !REFERENCE.is_match(norm.get(..h.start).unwrap_or(""))
            && Some(h.date) >= today
            && (Some(h.date) != today || near_payment(norm, h))
    });
    let latest = candidates.map(|h| h.date).max();
    if latest.is_some() && commits(norm, short) {
        r.promise = latest;
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
fn paid_statement(clause: &str, future_date: bool) -> Option<usize> {
    if NEGATION.is_match(clause) {
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
    let future = FUTURE.is_match(before) || FUTURE.is_match(m.as_str());
    let scheduled = (weak || SCHEDULED.is_match(m.as_str())) && future_date;
    (!future && !scheduled).then_some(m.end())
}

/// Asks for something a human must provide.
fn asks(norm: &str) -> bool {
    let question_mark = norm.contains('?');
    if CONFIRM_RECEIPT.is_match(norm) {
        return false;
    }
    (ASKED_ITEM.is_match(norm) && (REQUEST.is_match(norm) || question_mark))
        || MISSING_INVOICE.is_match(norm)
        || (question_mark && TOPIC.is_match(norm))
}

/// Whether a dated sentence commits to paying: it speaks of paying or
/// commits to something, is no question, and is not about calling back or
/// being away. In a very short reply a bare date ("Fin du mois.") is the
/// answer to our question.
fn commits(norm: &str, short: bool) -> bool {
    if norm.contains('?') {
        return false;
    }
    let pays = PAY_FUTURE.is_match(norm);
    if !pays && (REPORT_BACK.is_match(norm) || ABSENCE.is_match(norm)) {
        return false;
    }
    pays || TOPIC.is_match(norm) || COMMIT.is_match(norm) || short
}

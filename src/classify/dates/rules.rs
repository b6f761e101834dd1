//! The expression table of READING.md as regexes over normalised text, each
//! with the function that resolves a match. Order matters: specific forms
//! ("fin du mois prochain", "15 mars") come before the forms they contain
//! ("mois prochain", "le 15").

use std::sync::LazyLock;

use chrono::{Datelike, Months, NaiveDate, Weekday};
use regex::{Captures, Regex, RegexSet};

use crate::classify::norm::{pattern, pattern_set};

use super::{
    DateContext, DateHit, day_of_month_ahead, infer_year, month_end, next_day_of_month,
    next_weekday, plus_days, previous_weekday, this_friday,
};

/// Month names and abbreviations, French and English, normalised.
const MONTHS: &[(&str, u32)] = &[
    ("janvier", 1),
    ("january", 1),
    ("janv", 1),
    ("jan", 1),
    ("fevrier", 2),
    ("february", 2),
    ("fevr", 2),
    ("fev", 2),
    ("feb", 2),
    ("mars", 3),
    ("march", 3),
    ("mar", 3),
    ("avril", 4),
    ("april", 4),
    ("avr", 4),
    ("apr", 4),
    ("mai", 5),
    ("may", 5),
    ("juin", 6),
    ("june", 6),
    ("jun", 6),
    ("juillet", 7),
    ("july", 7),
    ("juil", 7),
    ("jul", 7),
    ("aout", 8),
    ("august", 8),
    ("aug", 8),
    ("septembre", 9),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("octobre", 10),
    ("october", 10),
    ("oct", 10),
    ("novembre", 11),
    ("november", 11),
    ("nov", 11),
    ("decembre", 12),
    ("december", 12),
    ("dec", 12),
];

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("lundi", Weekday::Mon),
    ("monday", Weekday::Mon),
    ("mardi", Weekday::Tue),
    ("tuesday", Weekday::Tue),
    ("mercredi", Weekday::Wed),
    ("wednesday", Weekday::Wed),
    ("jeudi", Weekday::Thu),
    ("thursday", Weekday::Thu),
    ("vendredi", Weekday::Fri),
    ("friday", Weekday::Fri),
    ("samedi", Weekday::Sat),
    ("saturday", Weekday::Sat),
    ("dimanche", Weekday::Sun),
    ("sunday", Weekday::Sun),
];

const NUMBER_WORDS: &[(&str, u32)] = &[
    ("un", 1),
    ("une", 1),
    ("one", 1),
    ("a", 1),
    ("an", 1),
    ("deux", 2),
    ("two", 2),
    ("trois", 3),
    ("three", 3),
    ("quatre", 4),
    ("four", 4),
    ("cinq", 5),
    ("five", 5),
    ("six", 6),
    ("sept", 7),
    ("seven", 7),
    ("huit", 8),
    ("eight", 8),
    ("neuf", 9),
    ("nine", 9),
    ("dix", 10),
    ("ten", 10),
    ("onze", 11),
    ("eleven", 11),
    ("douze", 12),
    ("twelve", 12),
    ("quatorze", 14),
    ("fourteen", 14),
    ("quinze", 15),
    ("fifteen", 15),
    ("vingt", 20),
    ("twenty", 20),
    ("trente", 30),
    ("thirty", 30),
];

type Resolve = fn(&Captures, &DateContext, &Around) -> Option<NaiveDate>;

/// The text on either side of a match, for guards such as "3-4 jours".
struct Around<'a> {
    before: &'a str,
    after: &'a str,
}

struct Rule {
    re: Regex,
    resolve: Resolve,
}

/// The rules, and the same patterns as a set to skip those that cannot match.
struct Rules {
    set: RegexSet,
    rules: Vec<Rule>,
}

fn alternation(names: impl Iterator<Item = &'static str>) -> String {
    let mut names: Vec<&str> = names.collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.join("|")
}

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let m = alternation(MONTHS.iter().map(|(n, _)| *n));
    let w = alternation(WEEKDAYS.iter().map(|(n, _)| *n));
    let n = alternation(NUMBER_WORDS.iter().map(|(n, _)| *n));
    let next_month = r"(?:mois\s+prochain|next\s+month|mois\s+suivant|the\s+following\s+month)";
    let specs: Vec<(String, Resolve)> = vec![
        (r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b".into(), iso),
        (format!(r"\b(?:la\s+semaine\s+du|the\s+week\s+(?:of|commencing|beginning|starting)|week\s+commencing|w/c)\s+(?:(?:{w})\s+)?(?:the\s+)?(\d{{1,2}})(?:er|st|nd|rd|th|eme)?(?:\s+(?:of\s+)?({m})\b)?"), week_of),
        (format!(r"\b(?:(?:{w})\s+)?(?:the\s+)?(\d{{1,2}})(?:er|st|nd|rd|th|eme|e)?(?:\s+of)?\s+({m})\b\.?(?:,?\s+(\d{{4}}))?"), day_month),
        (format!(r"\b(?:(?:{w}),?\s+)?({m})\b\.?\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?"), month_day),
        (r"\b(\d{1,2})([/.-])(\d{1,2})(?:[/.-](\d{4}|\d{2}))?\b".into(), numeric),
        (format!(r"\b(?:le\s+|the\s+|on\s+the\s+)?(\d{{1,2}})(?:er|st|nd|rd|th|eme|e)?\s+(?:du|de|of)\s+(?:the\s+)?{next_month}"), |c, x, _| num(c, 1).and_then(|d| day_of_month_ahead(x.today, 1, d))),
        (format!(r"\b(?:fin|end)\s+(?:du\s+|de\s+|of\s+)?(?:the\s+)?{next_month}"), |_, c, _| month_end(c.today, 1)),
        (format!(r"\b(?:debut|early|beginning\s+of|start\s+of|first\s+week\s+of|premiere\s+semaine\s+du)\s+(?:du\s+|de\s+)?(?:the\s+)?{next_month}"), |_, c, _| day_of_month_ahead(c.today, 1, 7)),
        (format!(r"\b(?:middle\s+of|milieu\s+du|mi|mid)[\s-]+(?:the\s+)?{next_month}"), |_, c, _| day_of_month_ahead(c.today, 1, 15)),
        (format!(r"\b(?:fin|end\s+of|late|the\s+end\s+of)\s+(?:du\s+mois\s+(?:de\s+|d')|de\s+|d')?({m})\b\.?(?:\s+(\d{{4}}))?"), |c, x, a| month_point(c, x, a, 0)),
        (format!(r"\b(?:debut|early|beginning\s+of|start\s+of|first\s+week\s+of|premiere\s+semaine)\s+(?:du\s+mois\s+(?:de\s+|d')|de\s+|d')?({m})\b\.?(?:\s+(\d{{4}}))?"), |c, x, a| month_point(c, x, a, 7)),
        (format!(r"\b(?:middle\s+of|milieu|mid|mi)[\s-]*(?:du\s+mois\s+(?:de\s+|d')|de\s+|d')?({m})\b\.?(?:\s+(\d{{4}}))?"), |c, x, a| month_point(c, x, a, 15)),
        (format!(r"\b(?:(?:en|in|during|courant)\s+|dans\s+le\s+courant\s+(?:du\s+mois\s+)?(?:de\s+|d'))({m})\b(?:\s+(\d{{4}}))?"), |c, x, a| month_point(c, x, a, 0)),
        (format!(r"\b(?:le\s+|du\s+|au\s+|courant\s+(?:du\s+)?|dans\s+le\s+courant\s+du\s+|d'ici\s+le\s+|avant\s+le\s+|in\s+the\s+course\s+of\s+|during\s+|sometime\s+)?{next_month}"), |_, c, _| month_end(c.today, 1)),
        (r"\b(?:(?:a\s+la\s+|en\s+|d'ici\s+la\s+|avant\s+la\s+|pour\s+la\s+)?fin\s+(?:du\s+|de\s+ce\s+|de\s+)?mois(?:\s+en\s+cours|\s+courant)?|(?:by\s+|before\s+|at\s+)?(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?month|month[\s-]?end|end[\s-]of[\s-]month|eom)\b".into(), |_, c, _| month_end(c.today, 0)),
        (r"\b(?:mi[\s-]mois|mid[\s-]month|milieu\s+du\s+mois|the\s+middle\s+of\s+the\s+month)\b".into(), |_, c, _| next_day_of_month(c.today, 15)),
        (
            format!(r"\b({w})\s+(?:de\s+la\s+semaine\s+(?:prochaine|pro|suivante)|(?:of\s+)?next\s+week)\b|\bnext\s+week\s+(?:on\s+)?({w})\b"),
            |c, x, _| weekday(c, 1).or_else(|| weekday(c, 2)).map(|d| weekday_of_next_week(x.today, d)),
        ),
        (r"\b(?:(?:fin|courant|dans\s+le\s+courant|au\s+cours|debut|end|early|later|sometime)\s+(?:de\s+|of\s+)?)?(?:la\s+)?(?:semaine\s+(?:prochaine|pro|suivante|d'apres)|next\s+week|the\s+following\s+week|the\s+week\s+after)\b".into(), |_, c, _| Some(plus_days(this_friday(c.today), 7))),
        (r"\b(?:fin\s+de\s+(?:la\s+|cette\s+)?semaine|cette\s+semaine|dans\s+la\s+semaine|en\s+cours\s+de\s+semaine|this\s+week|within\s+the\s+week|end\s+of\s+(?:the\s+|this\s+)?week|(?:by|before)\s+the\s+weekend|(?:d'ici|avant)\s+le\s+week-?end|eow)\b".into(), |_, c, _| Some(this_friday(c.today))),
        (format!(r"\b(?:dans|d'ici|sous|en|within|in|under)\s+(?:les\s+|the\s+next\s+|the\s+)?(\d{{1,2}}|{n})\s+(?:prochaines\s+)?(?:semaines?|weeks?)\b"), |c, x, _| count(c, 1).map(|k| plus_days(x.today, 7 * u64::from(k)))),
        (format!(r"\b(\d{{1,2}}|{n})\s+weeks?\s+from\s+(?:now|today)\b"), |c, x, _| count(c, 1).map(|k| plus_days(x.today, 7 * u64::from(k)))),
        (r"\b(?:within|in)\s+(?:a|one)\s+fortnight\b".into(), |_, c, _| Some(plus_days(c.today, 14))),
        (r"\b(?:sous|dans|d'ici|en)\s+(?:une\s+)?quinzaine(?:\s+de\s+jours)?\b".into(), |_, c, _| Some(plus_days(c.today, 15))),
        (r"\b(?:sous|dans|d'ici|en)\s+(?:une\s+)?huitaine(?:\s+de\s+jours)?\b".into(), |_, c, _| Some(plus_days(c.today, 8))),
        (format!(r"\b(?:dans|d'ici|sous|within|in)\s+(?:les\s+|the\s+next\s+)?(\d{{1,2}}|{n})\s+(?:mois|months?)\b"), |c, x, _| count(c, 1).and_then(|k| x.today.checked_add_months(Months::new(k)))),
        (format!(r"\b(?:sous|dans|d'ici|en|within|in|under|next)\s+(?:les\s+|the\s+next\s+|the\s+)?(\d{{1,3}}|{n})\s*(?:prochains\s+)?(?:(business|working|bank)\s+)?(?:jours?|days?|j)\b(?:\s+(ouvres?|ouvrables?|calendaires?|francs?))?"), days),
        (r"\b(?:sous|dans|d'ici|en|within|in|under)\s+(?:les\s+|the\s+next\s+)?(\d{1,3})\s*(?:h|heures?|hours?|hrs?)\b".into(), |c, x, _| count(c, 1).map(|h| plus_days(x.today, u64::from(h.div_ceil(24))))),
        (r"\b(?:apres[\s-]demain|(?:the\s+)?day\s+after\s+tomorrow)\b".into(), |_, c, _| Some(plus_days(c.today, 2))),
        (r"\b(?:demain|tomorrow|tmrw)\b".into(), |_, c, _| Some(plus_days(c.today, 1))),
        (r"\b(?:aujourd'hui|aujourdhui|ce\s+jour|today|ce\s+soir|tonight|dans\s+la\s+journee|end\s+of\s+(?:the\s+)?day|eod|close\s+of\s+business)\b".into(), |_, c, _| Some(c.today)),
        (format!(r"\b(?:ce|this|this\s+coming|coming)\s+({w})\b"), |c, x, _| weekday(c, 1).map(|d| next_weekday(x.today, d, true))),
        (format!(r"\b(last\s+)?({w})\b(\s+(?:dernier|passe))?"), weekday_alone),
        (r"\b(?:le|au|du|the|jusqu'au|d'ici\s+le|avant\s+le|a\s+partir\s+du|des\s+le|on\s+the|by\s+the|before\s+the|until\s+the|till\s+the|from\s+the)\s+(\d{1,2})(er|st|nd|rd|th|eme)?\b".into(), day_alone),
        (r"\b(?:on|by|before|until|till|from)\s+(\d{1,2})(st|nd|rd|th)\b".into(), day_alone),
        (
            r"\b(?:le|au|jusqu'au|avant\s+le|d'ici\s+le)\s+(premier|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt|trente)\b".into(),
            day_word,
        ),
    ];
    let rules = specs
        .into_iter()
        .map(|(p, resolve)| Rule {
            re: pattern(&p),
            resolve,
        })
        .collect::<Vec<Rule>>();
    let set = pattern_set(rules.iter().map(|r| r.re.as_str()));
    Rules { set, rules }
});

/// Runs every rule in order; a span resolved by an earlier rule is never
/// matched again.
pub(super) fn scan(norm: &str, ctx: &DateContext) -> Vec<DateHit> {
    let mut claimed: Vec<(usize, usize)> = Vec::new();
    let mut hits = Vec::new();
    for rule in RULES
        .set
        .matches(norm)
        .iter()
        .filter_map(|i| RULES.rules.get(i))
    {
        for caps in rule.re.captures_iter(norm) {
            let Some(whole) = caps.get(0) else { continue };
            let (start, end) = (whole.start(), whole.end());
            if claimed.iter().any(|&(s, e)| start < e && s < end) {
                continue;
            }
            let around = Around {
                before: &norm[..start],
                after: &norm[end..],
            };
            // A rejected match claims nothing: "en sept jours" must still
            // reach the rule for day counts.
            if let Some(date) = (rule.resolve)(&caps, ctx, &around) {
                claimed.push((start, end));
                hits.push(DateHit { date, start, end });
            }
        }
    }
    hits
}

fn num(caps: &Captures, i: usize) -> Option<u32> {
    caps.get(i)?.as_str().parse().ok()
}

/// A count written in digits or words ("15", "quinze", "two").
fn count(caps: &Captures, i: usize) -> Option<u32> {
    let text = caps.get(i)?.as_str();
    text.parse().ok().or_else(|| {
        NUMBER_WORDS
            .iter()
            .find(|(n, _)| *n == text)
            .map(|(_, v)| *v)
    })
}

fn month(caps: &Captures, i: usize) -> Option<u32> {
    let text = caps.get(i)?.as_str();
    MONTHS.iter().find(|(n, _)| *n == text).map(|(_, v)| *v)
}

fn weekday(caps: &Captures, i: usize) -> Option<Weekday> {
    let text = caps.get(i)?.as_str();
    WEEKDAYS.iter().find(|(n, _)| *n == text).map(|(_, v)| *v)
}

fn year(caps: &Captures, i: usize) -> Option<i32> {
    let y: i32 = caps.get(i)?.as_str().parse().ok()?;
    Some(if y < 100 { 2000 + y } else { y })
}

fn dated(caps: &Captures, ctx: &DateContext, y: usize, m: u32, d: u32) -> Option<NaiveDate> {
    match year(caps, y) {
        Some(y) => NaiveDate::from_ymd_opt(y, m, d),
        None => infer_year(ctx.today, m, d),
    }
}

/// A unit word right after a number means a count, not a date ("3-4 jours",
/// "10.05 €", "le 15 % restant").
fn followed_by_unit(after: &str) -> bool {
    const UNITS: &[&str] = &[
        "€", "eur", "$", "£", "usd", "gbp", "%", "k€", "x ", "jour", "day", "semaine", "week",
        "mois", "month", "heure", "hour", "h ", "ans", "year", "fois", "facture", "invoice",
        "article", "page", "minute", "piece", "unit", "ht", "ttc", "percent",
    ];
    let rest = after.trim_start();
    UNITS.iter().any(|u| rest.starts_with(u))
}

fn iso(caps: &Captures, _: &DateContext, _: &Around) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year(caps, 1)?, num(caps, 2)?, num(caps, 3)?)
}

fn day_month(caps: &Captures, ctx: &DateContext, around: &Around) -> Option<NaiveDate> {
    if around.after.trim_start().starts_with("jour") {
        return None; // "dans 15 sept jours" is no date
    }
    dated(caps, ctx, 3, month(caps, 2)?, num(caps, 1)?)
}

fn month_day(caps: &Captures, ctx: &DateContext, around: &Around) -> Option<NaiveDate> {
    let mut after = around.after.chars();
    let glued = matches!(after.next(), Some(':' | '/' | '.' | ','))
        && after.next().is_some_and(|c| c.is_ascii_digit());
    if followed_by_unit(around.after) || glued {
        return None;
    }
    dated(caps, ctx, 3, month(caps, 1)?, num(caps, 2)?)
}

/// `15/03`, `15.03.2026`, `03-15-26`: day first unless the sender reads
/// month first, and whichever order is the only valid one otherwise.
fn numeric(caps: &Captures, ctx: &DateContext, around: &Around) -> Option<NaiveDate> {
    let sep_digit = |s: &str| {
        let mut c = s.chars();
        matches!(c.next(), Some('/' | '.' | '-' | ',' | ':'))
            && c.next().is_some_and(|d| d.is_ascii_digit())
    };
    let before_digit = around.before.ends_with(|c: char| {
        c.is_ascii_digit() || matches!(c, '/' | '.' | ',' | '-' | '+' | '°' | '#')
    });
    if sep_digit(around.after) || before_digit || followed_by_unit(around.after) {
        return None;
    }
    let sep = caps.get(2)?.as_str();
    if sep == "." && caps.get(4).is_none() && around.before.trim_end().ends_with(['€', '$', '£'])
    {
        return None;
    }
    let (a, b) = (num(caps, 1)?, num(caps, 3)?);
    let (first, second) = if ctx.month_first {
        ((b, a), (a, b))
    } else {
        ((a, b), (b, a))
    };
    [first, second]
        .into_iter()
        .find_map(|(d, m)| dated(caps, ctx, 4, m, d))
}

/// A point in a named month: `day` 0 is its last day ("fin avril").
fn month_point(caps: &Captures, ctx: &DateContext, around: &Around, day: u32) -> Option<NaiveDate> {
    if around.after.trim_start().starts_with("jour") {
        return None;
    }
    let m = month(caps, 1)?;
    if day != 0 {
        return dated(caps, ctx, 2, m, day);
    }
    let end_of = |y: i32| month_end(NaiveDate::from_ymd_opt(y, m, 1)?, 0);
    match year(caps, 2) {
        Some(y) => end_of(y),
        None => {
            let d = end_of(ctx.today.year())?;
            if ctx.today.signed_duration_since(d).num_days() > 60 {
                end_of(ctx.today.year() + 1)
            } else {
                Some(d)
            }
        }
    }
}

fn days(caps: &Captures, ctx: &DateContext, _: &Around) -> Option<NaiveDate> {
    let n = count(caps, 1)?;
    let business =
        caps.get(2).is_some() || caps.get(3).is_some_and(|m| m.as_str().starts_with("ouvr"));
    if business {
        Some(ctx.calendar.add_business_days(ctx.today, n))
    } else {
        Some(plus_days(ctx.today, u64::from(n)))
    }
}

fn weekday_alone(caps: &Captures, ctx: &DateContext, _: &Around) -> Option<NaiveDate> {
    let d = weekday(caps, 2)?;
    if caps.get(1).is_some() || caps.get(3).is_some() {
        Some(previous_weekday(ctx.today, d))
    } else {
        Some(next_weekday(ctx.today, d, false))
    }
}

/// "le quinze", "le premier": a day written in words.
fn day_word(caps: &Captures, ctx: &DateContext, around: &Around) -> Option<NaiveDate> {
    if followed_by_unit(around.after) {
        return None;
    }
    let word = caps.get(1)?.as_str();
    let day = if word == "premier" {
        1
    } else {
        count(caps, 1)?
    };
    next_day_of_month(ctx.today, day)
}

/// "la semaine du 16 mars", "the week of the 16th": the Friday of that
/// week, the end of the period the client named.
fn week_of(caps: &Captures, ctx: &DateContext, around: &Around) -> Option<NaiveDate> {
    if followed_by_unit(around.after) {
        return None;
    }
    let day = num(caps, 1)?;
    let date = match month(caps, 2) {
        Some(m) => infer_year(ctx.today, m, day)?,
        None => next_day_of_month(ctx.today, day)?,
    };
    let monday = date.num_days_from_ce() - date.weekday().num_days_from_monday() as i32;
    NaiveDate::from_num_days_from_ce_opt(monday + 4)
}

/// `weekday` in the week after this one ("jeudi de la semaine prochaine").
fn weekday_of_next_week(today: NaiveDate, weekday: Weekday) -> NaiveDate {
    let monday = today.num_days_from_ce() - today.weekday().num_days_from_monday() as i32 + 7;
    let day = monday + weekday.num_days_from_monday() as i32;
    NaiveDate::from_num_days_from_ce_opt(day).unwrap_or(today)
}

fn day_alone(caps: &Captures, ctx: &DateContext, around: &Around) -> Option<NaiveDate> {
    let after = around.after;
    if followed_by_unit(after)
        || after.starts_with(['/', '.', ':', ',', 'h'])
            && after.chars().nth(1).is_some_and(|c| c.is_ascii_digit())
    {
        return None;
    }
    if after.trim_start().starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    next_day_of_month(ctx.today, num(caps, 1)?)
}

//! Text extraction from a parsed message: the body as plain text (text/plain
//! preferred, HTML rendered by html2text otherwise), the subject, and the
//! local date and UTC offset of the `Date:` header. Charsets and transfer
//! encodings are mail-parser's job; nothing here fails, it only yields less.

use std::sync::LazyLock;

use chrono::NaiveDate;
use mail_parser::{Message, MessagePart, MimeHeaders, PartType};
use regex::Regex;

/// What the reader needs from the envelope and the body.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    pub subject: String,
    pub body: String,
    /// The local date written in the `Date:` header ("today" for dates).
    pub today: Option<NaiveDate>,
    /// The `Date:` header's offset from UTC, in minutes.
    pub utc_offset_minutes: Option<i32>,
    pub from: String,
    /// The sender's display name ("Céline Guillot"), "" when absent.
    pub from_name: String,
    /// The addresses the reply was sent to, lowercased.
    pub to: Vec<String>,
}

/// Width handed to html2text: wide enough that it never wraps a sentence,
/// since the reader joins lines itself.
const HTML_WIDTH: usize = 2000;

pub fn extract(msg: &Message) -> Extracted {
    let (today, utc_offset_minutes) = match msg.date() {
        Some(dt) => {
            let date =
                NaiveDate::from_ymd_opt(i32::from(dt.year), u32::from(dt.month), u32::from(dt.day));
            let minutes = i32::from(dt.tz_hour) * 60 + i32::from(dt.tz_minute);
            (
                date,
                Some(if dt.tz_before_gmt { -minutes } else { minutes }),
            )
        }
        None => (None, None),
    };
    let from = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or("")
        .to_lowercase();
    let from_name = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.name())
        .unwrap_or("")
        .to_string();
    let to = msg
        .to()
        .into_iter()
        .flat_map(|a| a.iter())
        .filter_map(|a| a.address())
        .map(str::to_lowercase)
        .collect();
    Extracted {
        from_name,
        to,
        subject: msg.subject().unwrap_or("").to_string(),
        body: body_text(msg),
        today,
        utc_offset_minutes,
        from,
    }
}

/// The readable body: every text/plain body part joined; when there is none
/// (or it is blank), the HTML body rendered to text.
pub fn body_text(msg: &Message) -> String {
    let parts = || {
        msg.text_body
            .iter()
            .filter_map(|id| msg.parts.get(*id as usize))
    };
    let plain: Vec<&str> = parts()
        .filter_map(|p| match &p.body {
            PartType::Text(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    let joined = plain.join("\n");
    if !joined.trim().is_empty() {
        return joined;
    }
    let html = msg
        .html_body
        .iter()
        .chain(msg.text_body.iter())
        .filter_map(|id| msg.parts.get(*id as usize))
        .find_map(|p| match &p.body {
            PartType::Html(h) => Some(h.as_ref()),
            _ => None,
        });
    html.map(html_to_text).unwrap_or_default()
}

/// Parts of an HTML body that never hold the client's words: the head (with
/// Outlook's long style sheets), style and script elements, comments.
static HTML_NOISE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?is)<head\b.*?</head\s*>|<style\b.*?</style\s*>|<script\b.*?</script\s*>|<!--.*?-->",
    )
    .unwrap_or_else(|e| panic!("invalid constant pattern: {e}"))
});

/// Where Outlook's quote header block starts: everything after that block is
/// the quoted thread, never indented or marked, so it is not rendered.
static OUTLOOK_QUOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)id="?divRplyFwdMsg|border-top:\s*solid\s+#E1E1E1|class="?OutlookMessageHeader"#,
    )
    .unwrap_or_else(|e| panic!("invalid constant pattern: {e}"))
});

/// The HTML worth rendering: without its noise, and cut after Outlook's
/// quote header (kept: its "Sent:" line tells a US sender by its date).
fn trim_html(html: &str) -> String {
    let cut = OUTLOOK_QUOTE.find(html).map_or(html.len(), |m| {
        let rest = html.get(m.end()..).unwrap_or("");
        rest.find("</div>")
            .filter(|&i| i < 3000)
            .map_or(html.len(), |i| m.end() + i + "</div>".len())
    });
    HTML_NOISE
        .replace_all(html.get(..cut).unwrap_or(html), "")
        .into_owned()
}

/// Renders HTML as plain lines. Blockquotes come out prefixed with `>`, which
/// the quote stripper then drops like any quoted line.
pub fn html_to_text(html: &str) -> String {
    let html = trim_html(html);
    let html = html.as_str();
    html2text::config::plain_no_decorate()
        .no_table_borders()
        .allow_width_overflow()
        .link_footnotes(false)
        .string_from_read(html.as_bytes(), HTML_WIDTH)
        .unwrap_or_else(|_| strip_tags(html))
}

/// Last-resort tag stripper for HTML that html2text refuses.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The decoded text of every part whose content type is `ctype/subtype`
/// (for `message/delivery-status`, which mail-parser keeps as bytes).
pub fn parts_of_type(msg: &Message, ctype: &str, subtype: &str) -> Vec<String> {
    msg.parts
        .iter()
        .filter(|p| is_type(p, ctype, subtype))
        .map(|p| String::from_utf8_lossy(p.contents()).into_owned())
        .collect()
}

fn is_type(part: &MessagePart, ctype: &str, subtype: &str) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case(ctype)
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case(subtype))
    })
}

/// The value of a top-level header as text ("" when absent or structured
/// beyond text).
pub fn header_text(msg: &Message, name: &str) -> String {
    msg.header_raw(name).unwrap_or("").trim().to_string()
}

/// The report-type parameter of a top-level multipart/report, lowercased.
pub fn report_type(msg: &Message) -> Option<String> {
    let ct = msg.root_part().content_type()?;
    let is_report = ct.ctype().eq_ignore_ascii_case("multipart")
        && ct
            .subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("report"));
    if !is_report {
        return None;
    }
    Some(
        ct.attribute("report-type")
            .unwrap_or("")
            .to_ascii_lowercase(),
    )
}

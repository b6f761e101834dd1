//! Threading: Message-IDs, the `Re:` subject, the `References` chain and
//! Outlook's `Thread-Index`, so every reminder lands in the conversation of
//! the invoice it chases in Gmail, Outlook and Apple Mail alike.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Utc};
use rand::Rng;
use regex::Regex;

use crate::compose::input::{ContactKind, OriginalEmail, PastContact};
use crate::domain::MessageId;

/// Lowercase letters and digits without look-alikes, for the random part.
const ID_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";

/// A fresh Message-ID on the user's own domain: `relance.<20 random
/// characters>@domain`. The random part gives about 100 bits.
pub fn new_message_id<R: Rng + ?Sized>(domain: &str, rng: &mut R) -> MessageId {
    message_id_with(domain, "", rng)
}

/// `relance.<tag>.<random>@domain`; `tag` is left out when empty.
pub(crate) fn message_id_with<R: Rng + ?Sized>(domain: &str, tag: &str, rng: &mut R) -> MessageId {
    let random: String = (0..20)
        .map(|_| {
            let i = rng.random_range(0..ID_ALPHABET.len());
            char::from(ID_ALPHABET.get(i).copied().unwrap_or(b'x'))
        })
        .collect();
    // Only host-name characters, so the id always parses whatever the
    // configuration holds.
    let domain: String = domain
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        .collect();
    let domain = if domain.is_empty() {
        "localhost".to_string()
    } else {
        domain
    };
    let id = if tag.is_empty() {
        format!("relance.{random}@{domain}")
    } else {
        format!("relance.{tag}.{random}@{domain}")
    };
    MessageId::new(&id).expect("built from non-space characters only")
}

/// `Re: <subject>` without stacking: an existing `Re:`, `RE:`, `Re[2]:`,
/// `RE :` (French spacing), `AW:` or `SV:` prefix is replaced by one `Re: `.
pub fn reply_subject(original: &str) -> String {
    let prefix = Regex::new(r"(?i)^\s*(re|aw|sv)\s*(\[\d+\])?\s*:\s*").ok();
    let mut rest = original.trim();
    while let Some(m) = prefix.as_ref().and_then(|p| p.find(rest)) {
        rest = &rest[m.end()..];
    }
    if rest.is_empty() {
        "Re:".to_string()
    } else {
        format!("Re: {rest}")
    }
}

/// The `References` chain: the original's own references, the original,
/// then earlier emailed reminders, each once, in that order.
pub fn references(original: Option<&OriginalEmail>, history: &[PastContact]) -> Vec<MessageId> {
    let mut chain: Vec<MessageId> = Vec::new();
    let mut push = |id: &MessageId| {
        if !chain.contains(id) {
            chain.push(id.clone());
        }
    };
    if let Some(o) = original {
        o.references.iter().for_each(&mut push);
        push(&o.message_id);
    }
    history
        .iter()
        .filter(|h| h.kind == ContactKind::Email)
        .filter_map(|h| h.message_id.as_ref())
        .for_each(push);
    chain
}

/// 100-ns intervals between 1601-01-01 and 1970-01-01.
const FILETIME_UNIX_EPOCH: i64 = 116_444_736_000_000_000;

fn filetime(t: DateTime<Utc>) -> u64 {
    let ticks = t.timestamp() * 10_000_000 + i64::from(t.timestamp_subsec_nanos() / 100);
    u64::try_from(ticks + FILETIME_UNIX_EPOCH).unwrap_or(0)
}

/// Outlook's `Thread-Index` for a reply (MS-OXOMSG 2.2.1.3): the parent's
/// index followed by a 5-byte child block holding the time elapsed since the
/// header's time and one random byte. `None` when the parent is not a valid
/// index (then the header is left out rather than invented).
pub fn child_thread_index(parent: &str, now: DateTime<Utc>, random: u8) -> Option<String> {
    let mut bytes = BASE64.decode(parent.trim()).ok()?;
    if bytes.len() < 22 || (bytes.len() - 22) % 5 != 0 {
        return None;
    }
    // The header's first six bytes are the top 48 bits of a FILETIME.
    let mut header_time: u64 = 0;
    for b in bytes.get(..6)? {
        header_time = (header_time << 8) | u64::from(*b);
    }
    let delta = filetime(now).saturating_sub(header_time << 16);
    // Deltas under about 1.78 years use bits 18..48, larger ones bits 23..53
    // with the top bit set.
    let block: u32 = if delta >> 49 == 0 {
        ((delta >> 18) & 0x7fff_ffff) as u32
    } else {
        0x8000_0000 | ((delta >> 23) & 0x7fff_ffff) as u32
    };
    bytes.extend_from_slice(&block.to_be_bytes());
    bytes.push(random);
    Some(BASE64.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn subjects_never_stack_reply_prefixes() {
        for (given, want) in [
            ("Facture F-1", "Re: Facture F-1"),
            ("Re: Facture F-1", "Re: Facture F-1"),
            ("RE: re: Facture F-1", "Re: Facture F-1"),
            ("RE : Facture F-1", "Re: Facture F-1"),
            ("Re[2]: Invoice 9", "Re: Invoice 9"),
            ("Fwd: Invoice 9", "Re: Fwd: Invoice 9"),
            ("Return of goods", "Re: Return of goods"),
        ] {
            assert_eq!(reply_subject(given), want, "{given}");
        }
    }

    #[test]
    fn message_ids_are_random_on_the_users_domain() {
        let mut rng = StdRng::seed_from_u64(7);
        let a = new_message_id("atelier.example.fr", &mut rng);
        let b = new_message_id("atelier.example.fr", &mut rng);
        assert_ne!(a, b);
        assert!(a.as_str().starts_with("relance."));
        assert!(a.as_str().ends_with("@atelier.example.fr"));
        assert_eq!(
            a.as_str().len(),
            "relance.".len() + 20 + "@atelier.example.fr".len()
        );
    }

    #[test]
    fn references_keep_order_without_duplicates() {
        let id = |s: &str| MessageId::new(s).unwrap();
        let original = OriginalEmail {
            message_id: id("inv@x.fr"),
            subject: "Facture".into(),
            references: vec![id("root@x.fr"), id("inv@x.fr")],
            thread_topic: None,
            thread_index: None,
        };
        let sent = PastContact {
            at: DateTime::UNIX_EPOCH,
            step: crate::domain::StepNo(1),
            kind: ContactKind::Email,
            recipients: Vec::new(),
            message_id: Some(id("r1@x.fr")),
            outcome: None,
        };
        let call = PastContact {
            kind: ContactKind::Call,
            message_id: Some(id("task@x.fr")),
            ..sent.clone()
        };
        let chain = references(Some(&original), &[sent, call]);
        assert_eq!(chain, vec![id("root@x.fr"), id("inv@x.fr"), id("r1@x.fr")]);
    }

    #[test]
    fn thread_index_appends_a_child_block() {
        let now = DateTime::parse_from_rfc3339("2026-04-02T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        // A header made at `now - 1 hour`: FILETIME top 48 bits, then a GUID.
        let t = filetime(now - chrono::Duration::hours(1));
        let mut header = (t >> 16).to_be_bytes()[2..].to_vec();
        header.extend_from_slice(&[0xAB; 16]);
        let parent = BASE64.encode(&header);
        let child = BASE64
            .decode(child_thread_index(&parent, now, 0x5A).unwrap())
            .unwrap();
        assert_eq!(child.len(), 27);
        assert_eq!(&child[..22], &header[..]);
        let block = u32::from_be_bytes([child[22], child[23], child[24], child[25]]);
        // One hour is 36e9 ticks; >> 18 gives about 137 329 (the header's
        // 16 truncated bits add at most one).
        let expected = (36_000_000_000u64 >> 18) as u32;
        assert!(block.abs_diff(expected) <= 1, "{block} vs {expected}");
        assert_eq!(child[26], 0x5A);
        assert_eq!(child_thread_index("not base64!", now, 0), None);
        assert_eq!(child_thread_index(&BASE64.encode([1u8; 10]), now, 0), None);
    }
}

//! How one message leaves, by mode: `send` hands it to SMTP (with an
//! envelope-only copy to the user's own address, the receipt that lets a
//! restart tell "sent" from "not sent"), `draft` appends it to Drafts, and
//! `dry-run` only says what it would do. Also files the copy in Sent and
//! words the alert sent to the user when a server refuses a message for good.

use std::time::Duration;

use anyhow::Context as _;

use super::session::{Folders, LazySession};
use super::settings;
use crate::config::Config;
use crate::detect::MailView;
use crate::domain::{ClientId, EmailAddress, Language, MessageId, OutboxId};
use crate::mailbox::SmtpClient;
use crate::mailbox::imap::Flag;

/// How long a provider that files SMTP-sent mail in Sent itself (Gmail,
/// Microsoft 365) is given to do so before relance appends its own copy.
pub const SENT_FILING_GRACE: Duration = Duration::from_secs(2);

/// A message to deliver: freshly prepared, or an outbox row found
/// `sending` after a crash or a transient failure.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub outbox: OutboxId,
    pub message_id: MessageId,
    pub client: Option<ClientId>,
    pub recipients: Vec<EmailAddress>,
    pub raw: Vec<u8>,
    /// For the user (task, alert, digest), not a client.
    pub to_user: bool,
}

/// What SMTP made of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmtpOutcome {
    Accepted,
    /// Worth trying again later (4xx, network).
    Transient(String),
    /// Refused for good (5xx, bad credentials); the text is the server's.
    Permanent(String),
}

/// Submits `out` by SMTP from the user's address. Client messages also go,
/// by envelope only, to the user's own address: that copy in INBOX is the
/// receipt a restart looks for.
pub async fn smtp_send(config: &Config, out: &Outgoing) -> SmtpOutcome {
    let client = match settings::smtp(config).await {
        Ok(Some(s)) => SmtpClient::new(&s),
        Ok(None) => return SmtpOutcome::Permanent("no [smtp] in the configuration".into()),
        Err(err) => return SmtpOutcome::Permanent(format!("{err:#}")),
    };
    let client = match client {
        Ok(c) => c,
        Err(err) => return SmtpOutcome::Permanent(err.to_string()),
    };
    let user = &config.company.email;
    let mut envelope: Vec<&str> = out.recipients.iter().map(EmailAddress::as_str).collect();
    if !out.recipients.contains(user) {
        envelope.push(user.as_str());
    }
    match client.send_raw(user.as_str(), &envelope, &out.raw).await {
        Ok(_) => SmtpOutcome::Accepted,
        Err(err) if err.is_transient() => SmtpOutcome::Transient(err.to_string()),
        Err(err) => SmtpOutcome::Permanent(err.to_string()),
    }
}

/// Draft mode: a client message waits in Drafts (\Draft \Flagged) for the
/// user to review; a message for the user lands in INBOX.
pub async fn append_draft(
    imap: &mut LazySession,
    folders: &Folders,
    out: &Outgoing,
) -> anyhow::Result<()> {
    let (folder, flags) = if out.to_user {
        (folders.inbox.as_str(), Vec::new())
    } else {
        let drafts = folders
            .drafts
            .as_deref()
            .context("draft mode needs a Drafts folder: none found, set imap.folders.drafts")?;
        (drafts, vec![Flag::Draft, Flag::Flagged])
    };
    imap.get().await?.append(folder, &out.raw, &flags).await?;
    Ok(())
}

/// Where a draft-mode message is looked for after a crash.
pub fn draft_folder(folders: &Folders, to_user: bool) -> Option<&str> {
    if to_user {
        Some(&folders.inbox)
    } else {
        folders.drafts.as_deref()
    }
}

/// Whether a message with `mid` is in `folder`.
pub async fn present(
    imap: &mut LazySession,
    folder: &str,
    mid: &MessageId,
) -> anyhow::Result<bool> {
    let session = imap.get().await?;
    session.examine(folder).await?;
    Ok(!session
        .search_message_id(&mid.bracketed())
        .await?
        .is_empty())
}

/// Makes sure a copy of a sent message sits in Sent: looks for the
/// provider's own copy first unless `always`, appends (\Seen) when absent.
pub async fn file_in_sent(
    imap: &mut LazySession,
    sent: &str,
    out: &Outgoing,
    always: bool,
) -> anyhow::Result<()> {
    if !always {
        if present(imap, sent, &out.message_id).await? {
            return Ok(());
        }
        tokio::time::sleep(SENT_FILING_GRACE).await;
        if present(imap, sent, &out.message_id).await? {
            return Ok(());
        }
    }
    imap.get()
        .await?
        .append(sent, &out.raw, &[Flag::Seen])
        .await?;
    Ok(())
}

/// The subject of a rendered message, for logs.
pub fn subject(raw: &[u8]) -> String {
    MailView::parse(raw).map(|v| v.subject).unwrap_or_default()
}

/// A plain message to the user saying a server refused a message for good
/// and that the client is paused until they act.
pub fn failure_alert(config: &Config, out: &Outgoing, error: &str) -> anyhow::Result<Vec<u8>> {
    let user = config.company.email.as_str();
    let mailbox: lettre::message::Mailbox = user
        .parse()
        .with_context(|| format!("'{user}' is not a usable address"))?;
    let recipients = out
        .recipients
        .iter()
        .map(EmailAddress::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    let subject = subject(&out.raw);
    let (title, body) = match config.company.language {
        Language::Fr => (
            format!("relance : envoi refusé ({subject})"),
            format!(
                "Le serveur a refusé définitivement le message « {subject} » destiné à \
                 {recipients} :\n\n{error}\n\nLes relances de ce client sont suspendues. \
                 Corrigez l'adresse puis reprenez-les avec `relance resume`.\n"
            ),
        ),
        Language::En => (
            format!("relance: sending refused ({subject})"),
            format!(
                "The server refused the message \"{subject}\" to {recipients} for good:\n\n\
                 {error}\n\nReminders to this client are paused. Fix the address, then \
                 resume them with `relance resume`.\n"
            ),
        ),
    };
    let message = lettre::Message::builder()
        .from(mailbox.clone())
        .to(mailbox)
        .subject(title)
        .message_id(Some(format!(
            "<relance-refused-{}-{}@{}>",
            out.outbox.0,
            rand::random::<u32>(),
            config.company.domain
        )))
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(body)
        .context("cannot build the alert")?;
    Ok(message.formatted())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draft_folder_depends_on_the_recipient() {
        let folders = Folders {
            inbox: "INBOX".into(),
            sent: Some("Sent".into()),
            drafts: Some("Drafts".into()),
        };
        assert_eq!(draft_folder(&folders, true), Some("INBOX"));
        assert_eq!(draft_folder(&folders, false), Some("Drafts"));
    }

    #[test]
    fn the_refusal_alert_names_the_recipients_and_the_server_text() {
        let mut config = Config::default_for_tools();
        // English keeps the body 7-bit, so it can be searched as written.
        config.company.language = Language::En;
        let out = Outgoing {
            outbox: OutboxId(3),
            message_id: MessageId::new("<a@b.test>").unwrap(),
            client: None,
            recipients: vec![EmailAddress::parse("nobody@client-a.test").unwrap()],
            raw: b"Subject: Re: Facture F-1\r\n\r\nx\r\n".to_vec(),
            to_user: false,
        };
        let raw = failure_alert(&config, &out, "550 5.1.1 User unknown");
        // The tools' default company address is `.invalid`, still parsable.
        let text = String::from_utf8(raw.unwrap()).unwrap();
        assert!(text.contains("nobody@client-a.test"), "{text}");
        assert!(text.contains("550 5.1.1 User unknown"), "{text}");
        assert!(text.contains("Re: Facture F-1"), "{text}");
    }
}

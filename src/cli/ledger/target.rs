//! What an INVOICE or TARGET argument names. An invoice is its number, or
//! `CLIENT_EMAIL:NUMBER` when the number exists for several clients (the
//! error lists them in that form). A pause target may also be a client's
//! email address, its domain (`client.fr` or `@client.fr`) or its name; an
//! argument that could mean several things is refused with the candidates.

use anyhow::{anyhow, bail};

use crate::domain::{ClientId, EmailAddress, InvoiceNumber};
use crate::store::{ClientRow, InvoiceRow, Store};

/// What `pause` and `resume` act on.
#[derive(Debug)]
pub(in crate::cli) enum Target {
    Invoice(InvoiceRow),
    Client(ClientRow),
}

/// Splits `CLIENT_EMAIL:NUMBER`; anything else is a bare number.
fn split_invoice_arg(arg: &str) -> (Option<EmailAddress>, &str) {
    let arg = arg.trim();
    if let Some((left, right)) = arg.split_once(':')
        && let Some(email) = EmailAddress::parse(left)
        && !right.trim().is_empty()
    {
        return (Some(email), right.trim());
    }
    (None, arg)
}

/// The invoice named by `arg` (`NUMBER` or `CLIENT_EMAIL:NUMBER`).
pub(in crate::cli) fn resolve_invoice(store: &Store, arg: &str) -> anyhow::Result<InvoiceRow> {
    let (email, number) = split_invoice_arg(arg);
    let number = InvoiceNumber(number.to_string());
    if let Some(email) = email {
        let client = store
            .find_client_by_address(&email)?
            .ok_or_else(|| anyhow!("no client has the address '{email}'"))?;
        let id = store
            .find_invoice(client, &number)?
            .ok_or_else(|| anyhow!("the client of '{email}' has no invoice numbered '{number}'"))?;
        return Ok(store.invoice(id)?);
    }
    let mut found = store.find_invoices_by_number(&number)?;
    match found.len() {
        0 => bail!("no invoice numbered '{number}'"),
        1 => found
            .pop()
            .ok_or_else(|| anyhow!("no invoice numbered '{number}'")),
        n => {
            let mut msg = format!(
                "invoice number '{number}' exists for {n} clients; name one as CLIENT_EMAIL:NUMBER:"
            );
            for inv in &found {
                msg.push_str(&format!(
                    "\n  {}:{number} ({})",
                    primary_address(store, inv.client)?,
                    inv.client_name
                ));
            }
            bail!(msg)
        }
    }
}

/// The address that names a client on the command line.
fn primary_address(store: &Store, client: ClientId) -> anyhow::Result<String> {
    let contacts = store.contacts(client)?;
    let first = contacts
        .iter()
        .find(|c| !c.billing)
        .or(contacts.first())
        .map(|c| c.address.to_string());
    Ok(first.unwrap_or_else(|| format!("client {client}")))
}

/// The invoice or client named by a `pause` / `resume` argument.
pub(in crate::cli) fn resolve_target(store: &Store, arg: &str) -> anyhow::Result<Target> {
    let arg = arg.trim();
    if arg.contains('@') && !arg.starts_with('@') {
        if split_invoice_arg(arg).0.is_some() {
            return resolve_invoice(store, arg).map(Target::Invoice);
        }
        let email =
            EmailAddress::parse(arg).ok_or_else(|| anyhow!("'{arg}' is not an email address"))?;
        let client = store
            .find_client_by_address(&email)?
            .ok_or_else(|| anyhow!("no client has the address '{email}'"))?;
        return Ok(Target::Client(store.client(client)?));
    }
    let invoices = store.find_invoices_by_number(&InvoiceNumber(arg.to_string()))?;
    let clients = clients_named(store, arg)?;
    match (invoices.as_slice(), clients.as_slice()) {
        ([], []) => bail!("'{arg}' names no invoice number, client email, domain or client name"),
        ([invoice], []) => Ok(Target::Invoice(invoice.clone())),
        ([], [client]) => Ok(Target::Client(client.clone())),
        _ => {
            let mut msg = format!("'{arg}' is ambiguous; name one of:");
            for inv in &invoices {
                let email = primary_address(store, inv.client)?;
                msg.push_str(&format!(
                    "\n  {email}:{} (invoice of {})",
                    inv.number, inv.client_name
                ));
            }
            for c in &clients {
                msg.push_str(&format!(
                    "\n  {} (client {})",
                    primary_address(store, c.id)?,
                    c.name
                ));
            }
            bail!(msg)
        }
    }
}

/// The clients whose name is `arg` (ignoring case) or with a contact at
/// domain `arg`.
fn clients_named(store: &Store, arg: &str) -> anyhow::Result<Vec<ClientRow>> {
    let mut found: Vec<ClientRow> = store
        .list_clients()?
        .into_iter()
        .filter(|c| c.name.trim().to_lowercase() == arg.to_lowercase())
        .collect();
    let domain = arg.trim_start_matches('@');
    if looks_like_domain(domain) {
        for id in store.find_clients_by_domain(domain)? {
            if !found.iter().any(|c| c.id == id) {
                found.push(store.client(id)?);
            }
        }
    }
    Ok(found)
}

fn looks_like_domain(s: &str) -> bool {
    s.contains('.')
        && !s.starts_with('.')
        && !s.ends_with('.')
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_email_prefix_disambiguates_a_number() {
        let (email, number) = split_invoice_arg(" compta@client-a.fr:F-2026-001 ");
        assert_eq!(
            email.map(|e| e.to_string()),
            Some("compta@client-a.fr".into())
        );
        assert_eq!(number, "F-2026-001");
        for bare in ["F-2026-001", "F:1", "compta@client-a.fr:", "a@b:F-1"] {
            let (email, number) = split_invoice_arg(bare);
            assert_eq!(email, None, "{bare}");
            assert_eq!(number, bare, "{bare}");
        }
    }

    #[test]
    fn domains_are_told_from_numbers_and_names() {
        for yes in ["client-a.fr", "mail.client.co.uk"] {
            assert!(looks_like_domain(yes), "{yes}");
        }
        for no in ["F-2026-001", "Client A", ".fr", "a.", "F.1/2"] {
            assert!(!looks_like_domain(no), "{no}");
        }
    }
}

//! Clients and their contacts. An address belongs to at most one client, so
//! the sender of a message names its client; a domain may name several
//! (shared mail providers), and choosing among them is the caller's business.

use rusqlite::{OptionalExtension, Row, params};

use super::sql::ContactSource;
use super::{Context, Error, Recorded, Result, Store};
use crate::domain::{ClientId, EmailAddress};
use crate::engine::Contact;

/// One client as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRow {
    pub id: ClientId,
    pub name: String,
    pub phone: Option<String>,
    pub postal_address: Option<String>,
    /// The user allowed step 5 (formal notice) for this client.
    pub notice_confirmed: bool,
    pub paused: bool,
    pub excluded: bool,
}

/// The descriptive fields of a client, as set from the configuration or CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientDetails {
    pub name: String,
    pub phone: Option<String>,
    pub postal_address: Option<String>,
}

/// A yes/no setting of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientFlag {
    NoticeConfirmed,
    Paused,
    Excluded,
}

impl ClientFlag {
    fn column(self) -> &'static str {
        match self {
            ClientFlag::NoticeConfirmed => "notice_confirmed",
            ClientFlag::Paused => "paused",
            ClientFlag::Excluded => "excluded",
        }
    }
}

const CLIENT_COLUMNS: &str = "id, name, phone, postal_address, notice_confirmed, paused, excluded";

fn client_row(r: &Row<'_>) -> rusqlite::Result<ClientRow> {
    Ok(ClientRow {
        id: r.get(0)?,
        name: r.get(1)?,
        phone: r.get(2)?,
        postal_address: r.get(3)?,
        notice_confirmed: r.get(4)?,
        paused: r.get(5)?,
        excluded: r.get(6)?,
    })
}

pub(crate) fn contact_row(r: &Row<'_>, first: usize) -> rusqlite::Result<Contact> {
    Ok(Contact {
        address: r.get(first)?,
        billing: r.get(first + 1)?,
        bounced: r.get(first + 2)?,
    })
}

impl Store {
    /// The client that owns `address`, creating the client (named `name`,
    /// or the address when `name` is blank) and the contact when none does.
    pub fn upsert_client(
        &self,
        address: &EmailAddress,
        name: &str,
        source: ContactSource,
    ) -> Result<Recorded<ClientId>> {
        self.transaction(|s| {
            if let Some(id) = s.find_client_by_address(address)? {
                return Ok(Recorded { id, new: false });
            }
            let name = if name.trim().is_empty() {
                address.as_str()
            } else {
                name.trim()
            };
            s.exec("INSERT INTO clients (name) VALUES (?1)", [name])
                .with_ctx(|| format!("insert client for '{address}'"))?;
            let id = ClientId(s.conn.last_insert_rowid());
            s.add_contact(id, address, false, source)?;
            Ok(Recorded { id, new: true })
        })
    }

    /// The client with this id.
    pub fn client(&self, id: ClientId) -> Result<ClientRow> {
        let sql = format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE id = ?1");
        self.query_one(&sql, [id], client_row)
            .optional()
            .with_ctx(|| format!("read client {id}"))?
            .ok_or(Error::NoClient(id))
    }

    /// Every client, by id.
    pub fn list_clients(&self) -> Result<Vec<ClientRow>> {
        let sql = format!("SELECT {CLIENT_COLUMNS} FROM clients ORDER BY id");
        let mut stmt = self.conn.prepare_cached(&sql).ctx("list clients")?;
        let rows = stmt.query_map([], client_row).ctx("list clients")?;
        rows.collect::<rusqlite::Result<_>>().ctx("list clients")
    }

    /// The client that owns `address`.
    pub fn find_client_by_address(&self, address: &EmailAddress) -> Result<Option<ClientId>> {
        self.conn
            .prepare_cached("SELECT client_id FROM contacts WHERE address = ?1")
            .and_then(|mut s| s.query_row([address], |r| r.get(0)).optional())
            .with_ctx(|| format!("find the client of '{address}'"))
    }

    /// The clients with a contact at `domain` (lowercase), by id.
    pub fn find_clients_by_domain(&self, domain: &str) -> Result<Vec<ClientId>> {
        let domain = domain.trim().to_lowercase();
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT client_id FROM contacts WHERE domain = ?1 ORDER BY client_id",
            )
            .with_ctx(|| format!("find clients at '{domain}'"))?;
        let rows = stmt
            .query_map([&domain], |r| r.get(0))
            .with_ctx(|| format!("find clients at '{domain}'"))?;
        rows.collect::<rusqlite::Result<_>>()
            .with_ctx(|| format!("find clients at '{domain}'"))
    }

    /// Adds `address` to `client`. Adding a client's own address again only
    /// raises its billing flag when `billing` is set; another client's
    /// address is refused.
    pub fn add_contact(
        &self,
        client: ClientId,
        address: &EmailAddress,
        billing: bool,
        source: ContactSource,
    ) -> Result<()> {
        match self.find_client_by_address(address)? {
            Some(owner) if owner != client => Err(Error::ContactTaken {
                address: address.clone(),
                owner,
            }),
            Some(_) => {
                self.exec(
                    "UPDATE contacts SET billing = billing OR ?2 WHERE address = ?1",
                    params![address, billing],
                )
                .with_ctx(|| format!("update contact '{address}'"))?;
                Ok(())
            }
            None => {
                self.exec(
                    "INSERT INTO contacts (client_id, address, domain, billing, source)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![client, address, address.domain(), billing, source],
                )
                .with_ctx(|| format!("add contact '{address}' to client {client}"))?;
                Ok(())
            }
        }
    }

    /// The contacts of `client`, billing contacts first.
    pub fn contacts(&self, client: ClientId) -> Result<Vec<Contact>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT address, billing, bounced FROM contacts
                 WHERE client_id = ?1 ORDER BY billing DESC, id",
            )
            .with_ctx(|| format!("list contacts of client {client}"))?;
        let rows = stmt
            .query_map([client], |r| contact_row(r, 0))
            .with_ctx(|| format!("list contacts of client {client}"))?;
        rows.collect::<rusqlite::Result<_>>()
            .with_ctx(|| format!("list contacts of client {client}"))
    }

    /// Records that mail to `address` bounces (or no longer does); false
    /// when the address is not a known contact.
    pub fn set_contact_bounced(&self, address: &EmailAddress, bounced: bool) -> Result<bool> {
        let n = self
            .exec(
                "UPDATE contacts SET bounced = ?2 WHERE address = ?1",
                params![address, bounced],
            )
            .with_ctx(|| format!("mark contact '{address}' bounced"))?;
        Ok(n > 0)
    }

    /// Replaces the name, phone and postal address of `client`.
    pub fn update_client(&self, client: ClientId, details: &ClientDetails) -> Result<()> {
        let n = self
            .exec(
                "UPDATE clients SET name = ?2, phone = ?3, postal_address = ?4 WHERE id = ?1",
                params![client, details.name, details.phone, details.postal_address],
            )
            .with_ctx(|| format!("update client {client}"))?;
        if n == 0 {
            return Err(Error::NoClient(client));
        }
        Ok(())
    }

    /// Sets one yes/no setting of `client`.
    pub fn set_client_flag(&self, client: ClientId, flag: ClientFlag, on: bool) -> Result<()> {
        // The column name comes from a closed enum, never from input.
        let sql = format!("UPDATE clients SET {} = ?2 WHERE id = ?1", flag.column());
        let n = self
            .exec(&sql, params![client, on])
            .with_ctx(|| format!("set {} of client {client}", flag.column()))?;
        if n == 0 {
            return Err(Error::NoClient(client));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testutil::{addr, store};

    #[test]
    fn upsert_finds_the_client_by_any_of_its_addresses() {
        let (_dir, store) = store();
        let a = store
            .upsert_client(
                &addr("compta@client-a.fr"),
                "Client A",
                ContactSource::Invoice,
            )
            .unwrap();
        assert!(a.new);
        let again = store
            .upsert_client(
                &addr("COMPTA@client-a.fr"),
                "Other name",
                ContactSource::Csv,
            )
            .unwrap();
        assert_eq!(
            again,
            Recorded {
                id: a.id,
                new: false
            }
        );
        store
            .add_contact(a.id, &addr("boss@client-a.fr"), true, ContactSource::Config)
            .unwrap();
        let found = store.find_client_by_address(&addr("boss@client-a.fr"));
        assert_eq!(found.unwrap(), Some(a.id));
        assert_eq!(store.client(a.id).unwrap().name, "Client A");
        let contacts = store.contacts(a.id).unwrap();
        assert_eq!(contacts.len(), 2);
        assert_eq!(contacts[0].address, addr("boss@client-a.fr"));
        assert!(contacts[0].billing);
    }

    #[test]
    fn blank_name_falls_back_to_the_address() {
        let (_dir, store) = store();
        let c = store
            .upsert_client(&addr("x@y.fr"), "  ", ContactSource::Cli)
            .unwrap();
        assert_eq!(store.client(c.id).unwrap().name, "x@y.fr");
    }

    #[test]
    fn domain_lookup_may_name_several_clients() {
        let (_dir, store) = store();
        let a = store.upsert_client(&addr("a@gmail.com"), "A", ContactSource::Cli);
        let b = store.upsert_client(&addr("b@gmail.com"), "B", ContactSource::Cli);
        let c = store.upsert_client(&addr("c@client-c.fr"), "C", ContactSource::Cli);
        let (a, b, c) = (a.unwrap().id, b.unwrap().id, c.unwrap().id);
        assert_eq!(
            store.find_clients_by_domain("GMAIL.com").unwrap(),
            vec![a, b]
        );
        assert_eq!(
            store.find_clients_by_domain("client-c.fr").unwrap(),
            vec![c]
        );
        assert!(
            store
                .find_clients_by_domain("nowhere.fr")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn another_clients_address_is_refused() {
        let (_dir, store) = store();
        let a = store
            .upsert_client(&addr("a@a.fr"), "A", ContactSource::Cli)
            .unwrap();
        let b = store
            .upsert_client(&addr("b@b.fr"), "B", ContactSource::Cli)
            .unwrap();
        let err = store
            .add_contact(b.id, &addr("a@a.fr"), false, ContactSource::Cli)
            .unwrap_err();
        assert!(matches!(err, Error::ContactTaken { owner, .. } if owner == a.id));
    }

    #[test]
    fn flags_details_and_bounces() {
        let (_dir, store) = store();
        let a = store
            .upsert_client(&addr("a@a.fr"), "A", ContactSource::Cli)
            .unwrap();
        for flag in [
            ClientFlag::NoticeConfirmed,
            ClientFlag::Paused,
            ClientFlag::Excluded,
        ] {
            store.set_client_flag(a.id, flag, true).unwrap();
        }
        let details = ClientDetails {
            name: "A SARL".into(),
            phone: Some("+33 1 23 45 67 89".into()),
            postal_address: Some("1 rue de la Paix\n75002 Paris".into()),
        };
        store.update_client(a.id, &details).unwrap();
        let row = store.client(a.id).unwrap();
        assert!(row.notice_confirmed && row.paused && row.excluded);
        assert_eq!(row.phone, details.phone);
        assert_eq!(row.postal_address, details.postal_address);
        assert!(store.set_contact_bounced(&addr("a@a.fr"), true).unwrap());
        assert!(!store.set_contact_bounced(&addr("zz@a.fr"), true).unwrap());
        assert!(store.contacts(a.id).unwrap()[0].bounced);
        let missing = store.set_client_flag(ClientId(42), ClientFlag::Paused, true);
        assert!(matches!(missing, Err(Error::NoClient(ClientId(42)))));
        assert!(matches!(
            store.client(ClientId(42)),
            Err(Error::NoClient(_))
        ));
        assert_eq!(store.list_clients().unwrap().len(), 1);
    }
}

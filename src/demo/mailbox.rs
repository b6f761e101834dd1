//! The sample mailbox, embedded in the binary: the manifest (delivery order,
//! instants, what relance should understand) and every `.eml` it names, so
//! `relance demo` needs no file and no network on a fresh machine.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

/// The manifest as written by the sample's generator.
pub(super) const MANIFEST: &str = include_str!("../../demo/mailbox/manifest.toml");

/// Every message file, by the path the manifest names it with.
pub(super) const FILES: &[(&str, &[u8])] = &[
    (
        "sent/01-facture-librairie-canuts-facturx.eml",
        include_bytes!("../../demo/mailbox/sent/01-facture-librairie-canuts-facturx.eml"),
    ),
    (
        "sent/02-facture-studio-lumiere.eml",
        include_bytes!("../../demo/mailbox/sent/02-facture-studio-lumiere.eml"),
    ),
    (
        "sent/03-facture-traiteur-morel.eml",
        include_bytes!("../../demo/mailbox/sent/03-facture-traiteur-morel.eml"),
    ),
    (
        "sent/04-facture-boulangerie-martin.eml",
        include_bytes!("../../demo/mailbox/sent/04-facture-boulangerie-martin.eml"),
    ),
    (
        "sent/05-facture-garage-petit.eml",
        include_bytes!("../../demo/mailbox/sent/05-facture-garage-petit.eml"),
    ),
    (
        "sent/06-facture-studio-lumiere-2.eml",
        include_bytes!("../../demo/mailbox/sent/06-facture-studio-lumiere-2.eml"),
    ),
    (
        "sent/07-invoice-brightline.eml",
        include_bytes!("../../demo/mailbox/sent/07-invoice-brightline.eml"),
    ),
    (
        "inbox/08-bounce-librairie-canuts.eml",
        include_bytes!("../../demo/mailbox/inbox/08-bounce-librairie-canuts.eml"),
    ),
    (
        "sent/09-facture-cabinet-roche.eml",
        include_bytes!("../../demo/mailbox/sent/09-facture-cabinet-roche.eml"),
    ),
    (
        "inbox/10-librairie-canuts-je-transmets.eml",
        include_bytes!("../../demo/mailbox/inbox/10-librairie-canuts-je-transmets.eml"),
    ),
    (
        "inbox/11-newsletter-lettre-du-graphiste.eml",
        include_bytes!("../../demo/mailbox/inbox/11-newsletter-lettre-du-graphiste.eml"),
    ),
    (
        "sent/12-relance-manuelle-traiteur-morel.eml",
        include_bytes!("../../demo/mailbox/sent/12-relance-manuelle-traiteur-morel.eml"),
    ),
    (
        "inbox/13-boulangerie-martin-virement-effectue.eml",
        include_bytes!("../../demo/mailbox/inbox/13-boulangerie-martin-virement-effectue.eml"),
    ),
    (
        "inbox/14-traiteur-morel-acompte.eml",
        include_bytes!("../../demo/mailbox/inbox/14-traiteur-morel-acompte.eml"),
    ),
    (
        "inbox/15-studio-lumiere-promesse-le-15.eml",
        include_bytes!("../../demo/mailbox/inbox/15-studio-lumiere-promesse-le-15.eml"),
    ),
    (
        "inbox/16-brightline-question-bank-details.eml",
        include_bytes!("../../demo/mailbox/inbox/16-brightline-question-bank-details.eml"),
    ),
    (
        "sent/17-reply-brightline-bank-details.eml",
        include_bytes!("../../demo/mailbox/sent/17-reply-brightline-bank-details.eml"),
    ),
    (
        "inbox/18-garage-petit-contestation.eml",
        include_bytes!("../../demo/mailbox/inbox/18-garage-petit-contestation.eml"),
    ),
    (
        "inbox/19-librairie-canuts-virement-emis.eml",
        include_bytes!("../../demo/mailbox/inbox/19-librairie-canuts-virement-emis.eml"),
    ),
    (
        "inbox/20-brightline-promise-next-friday.eml",
        include_bytes!("../../demo/mailbox/inbox/20-brightline-promise-next-friday.eml"),
    ),
    (
        "inbox/21-notification-maquette-cloud.eml",
        include_bytes!("../../demo/mailbox/inbox/21-notification-maquette-cloud.eml"),
    ),
    (
        "inbox/22-brightline-remittance-advice.eml",
        include_bytes!("../../demo/mailbox/inbox/22-brightline-remittance-advice.eml"),
    ),
    (
        "inbox/23-studio-lumiere-promesse-fin-du-mois.eml",
        include_bytes!("../../demo/mailbox/inbox/23-studio-lumiere-promesse-fin-du-mois.eml"),
    ),
    (
        "inbox/24-studio-lumiere-virement-effectue.eml",
        include_bytes!("../../demo/mailbox/inbox/24-studio-lumiere-virement-effectue.eml"),
    ),
    (
        "inbox/25-cabinet-roche-absence.eml",
        include_bytes!("../../demo/mailbox/inbox/25-cabinet-roche-absence.eml"),
    ),
];

/// The manifest's `[mailbox]` table and its messages.
#[derive(Debug, Deserialize)]
pub(super) struct Manifest {
    pub mailbox: Meta,
    pub message: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct Meta {
    clock_start: String,
    clock_end: String,
    pub since: NaiveDate,
}

impl Meta {
    /// The simulated clock's first and last instants.
    pub fn clock(&self) -> anyhow::Result<(DateTime<Utc>, DateTime<Utc>)> {
        Ok((instant(&self.clock_start)?, instant(&self.clock_end)?))
    }
}

/// One message: where and when it is delivered.
#[derive(Debug, Deserialize)]
pub(super) struct Entry {
    pub file: String,
    pub folder: String,
    arrives: toml::value::Datetime,
}

impl Entry {
    /// When the demo delivers it.
    pub fn arrives(&self) -> anyhow::Result<DateTime<Utc>> {
        instant(&self.arrives.to_string())
    }
}

fn instant(text: &str) -> anyhow::Result<DateTime<Utc>> {
    let t = DateTime::parse_from_rfc3339(text)
        .map_err(|e| anyhow::anyhow!("demo manifest: bad instant '{text}': {e}"))?;
    Ok(t.with_timezone(&Utc))
}

/// The manifest, parsed.
pub(super) fn manifest() -> anyhow::Result<Manifest> {
    Ok(toml::from_str(MANIFEST)?)
}

/// The bytes of a message file named in the manifest.
pub(super) fn file(name: &str) -> Option<&'static [u8]> {
    FILES.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_manifest_entry_is_embedded_in_order() {
        let m = manifest().unwrap();
        assert_eq!(m.message.len(), FILES.len());
        assert!(m.message.iter().all(|e| file(&e.file).is_some()));
        let times: Vec<_> = m.message.iter().map(|e| e.arrives().unwrap()).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        let (start, end) = m.mailbox.clock().unwrap();
        assert!(start < end);
    }
}

//! The demo's configuration: Atelier Dupont in Lyon, French calendar and
//! Europe/Paris, mode `send` (into files), the default ladder, and a few
//! `[[client]]` tables that give names, greetings and phone numbers the
//! invoices do not carry. Parsed by the same code as a real `relance.toml`.

use std::path::Path;

use chrono::NaiveDate;

use crate::config::Config;

const TOML: &str = r#"
[company]
name = "Atelier Dupont"
email = "claire@atelier-dupont.example.fr"
sender-name = "Claire Dupont"
language = "fr"
time-zone = "Europe/Paris"
legal-name = "Atelier Dupont SARL"
phone = "04 78 28 00 00"
place = "Lyon"

[company.address]
street = ["12 rue des Capucins"]
postcode = "69001"
city = "Lyon"
country = "France"

[state]
database = "relance-demo.db"
since = "SINCE"

[imap]
host = "imap.example.fr"
password-env = "RELANCE_DEMO_UNUSED"

[smtp]
host = "smtp.example.fr"
password-env = "RELANCE_DEMO_UNUSED"

[sequence]
mode = "send"
calendar = "fr"
window = { days = "mon-fri", from = "09:00", to = "17:30" }

[penalties]
regime = "fr-b2b"

[[penalties.rate]]
from = "2025-06-11"
rate = "2.15"

[[client]]
name = "Librairie des Canuts SARL"
domains = ["librairie-canuts.example.fr"]
contact-name = "Monsieur Lefèvre"
phone = "04 78 39 12 40"

[[client]]
name = "Studio Lumière SARL"
domains = ["studio-lumiere.example.fr"]
contact-name = "Madame Garnier"
phone = "04 72 10 33 58"

[[client]]
name = "Traiteur Morel"
domains = ["traiteur-morel.example.fr"]
contact-name = "Monsieur Morel"
phone = "04 78 62 45 07"

[[client]]
name = "Boulangerie Martin"
domains = ["boulangerie-martin.example.fr"]
contact-name = "Madame Martin"
phone = "04 78 95 21 63"

[[client]]
name = "Brightline Ltd"
domains = ["brightline.example.co.uk"]
contact-name = "Mr Hughes"
phone = "+44 20 7946 0321"
language = "en"

[[client]]
name = "Garage Petit"
domains = ["garage-petit.example.fr"]
contact-name = "Monsieur Petit"
phone = "04 78 74 88 19"

[[client]]
name = "Cabinet Roche"
domains = ["cabinet-roche.example.fr"]
contact-name = "Maître Roche"
phone = "04 78 42 70 11"
"#;

/// The demo configuration, tracking invoices sent from `since` on.
pub(super) fn config(since: NaiveDate) -> anyhow::Result<Config> {
    let text = TOML.replace("SINCE", &since.to_string());
    Ok(Config::parse(&text, Path::new("<demo configuration>"))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_configuration_is_valid() {
        let since = NaiveDate::from_ymd_opt(2025, 12, 1).unwrap();
        let config = config(since).unwrap();
        assert_eq!(config.state.since, Some(since));
        assert_eq!(config.clients.len(), 7);
    }
}

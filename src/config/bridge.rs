//! Turns the validated configuration into the inputs of the other modules:
//! detection rules, the composer's sender identity, the penalty regime and
//! each case's policy. Kept here so those modules never see the TOML model.

use crate::compose::Sender;
use crate::compose::penalties::{self, FrenchTerms, RateTable, Regime, UkTerms};
use crate::detect;
use crate::engine::{Case, Policy};

use super::Config;
use super::model::{ClientConfig, Indemnity, PenaltyRegime};

impl Config {
    /// Invoice detection rules: the built-in ones with the configured
    /// overrides in their place.
    pub fn detect_rules(&self) -> detect::Rules {
        let r = &self.detect.rules;
        detect::Rules::with_overrides(detect::Overrides {
            subject: r.subject.clone(),
            body: r.body.clone(),
            attachment_name: r.attachment_name.clone(),
            number: r.number.clone(),
            amount: r.amount.clone(),
            currency: r.currency.clone(),
            issue_date: r.issue_date.clone(),
            due_date: r.due_date.clone(),
            factur_x: Some(self.detect.factur_x),
            payment_terms_days: Some(self.detect.payment_terms_days),
            default_currency: Some(self.detect.default_currency),
            own_addresses: vec![self.company.email.clone()],
        })
    }

    /// Who signs and sends, as the composer needs it.
    pub fn sender(&self) -> Sender {
        let c = &self.company;
        let mut address = Vec::new();
        if let Some(a) = &c.address {
            address.extend(a.street.iter().cloned());
            address.push(format!("{} {}", a.postcode, a.city).trim().to_string());
            address.extend(a.country.iter().cloned());
        }
        let city = c
            .place
            .clone()
            .or_else(|| c.address.as_ref().map(|a| a.city.clone()))
            .unwrap_or_default();
        Sender {
            company: c.legal_name.clone().unwrap_or_else(|| c.name.clone()),
            name: c.sender_name.clone(),
            email: c.email.clone(),
            address,
            city,
            phone: c.phone.clone(),
            signature: c.signature.clone(),
            message_id_domain: c.domain.clone(),
        }
    }

    /// The late-payment rules stated in step 4 and step 5, `None` when the
    /// configuration says `regime = "none"`.
    pub fn penalty_regime(&self) -> Option<Regime> {
        let p = &self.penalties;
        let table = RateTable::new(
            p.rates
                .iter()
                .map(|r| penalties::DatedRate {
                    from: r.from,
                    rate: r.rate,
                })
                .collect(),
        );
        match p.regime {
            PenaltyRegime::None => None,
            PenaltyRegime::FrB2b => {
                let mut terms = FrenchTerms::statutory(table);
                terms.margin = p.margin;
                terms.contractual_rate = p.contractual_rate;
                match p.indemnity {
                    Indemnity::Flat(m) => terms.indemnity = m,
                    Indemnity::None => terms.indemnity.amount = rust_decimal::Decimal::ZERO,
                    Indemnity::UkTiered => {}
                }
                Some(Regime::France(terms))
            }
            PenaltyRegime::UkB2b => {
                let mut terms = UkTerms::statutory(table);
                terms.margin = p.margin;
                if let Indemnity::None = p.indemnity {
                    terms.bands.clear();
                }
                Some(Regime::Uk(terms))
            }
        }
    }

    /// The `[[client]]` entry that applies to a case: the first of its
    /// contacts that one matches.
    pub fn client_for_case(&self, case: &Case) -> Option<&ClientConfig> {
        case.contacts
            .iter()
            .find_map(|c| self.client_override(&c.address))
    }

    /// The engine's policy for a case, with that client's overrides.
    pub fn policy_for_case(&self, case: &Case) -> Policy {
        self.policy_for_client(self.client_for_case(case))
    }
}

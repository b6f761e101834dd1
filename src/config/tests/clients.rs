//! Which `[[client]]` applies to an address, and the policy it yields.

use super::*;
use crate::domain::EmailAddress;

const CLIENTS: &str = r#"
[sequence]
minimum-amount = 20

[[client]]
name = "Groupe"
domains = ["client.example.fr"]
grouping = "per-invoice"

[[client]]
name = "Compta"
domains = ["compta.client.example.fr"]
minimum-amount = "100"
notice-confirmed = true
language = "en"

[[client]]
name = "Directrice"
emails = ["direction@client.example.fr"]
exclude = true
[[client.step]]
action = "email"
delay = "5 days"
[[client.step]]
action = "call-task"
delay = "10 days"
[[client.step]]
action = "email"
delay = "20 days"
"#;

fn addr(s: &str) -> EmailAddress {
    EmailAddress::parse(s).unwrap()
}

fn name<'c>(c: &'c Config, a: &str) -> Option<&'c str> {
    c.client_override(&addr(a)).and_then(|c| c.name.as_deref())
}

#[test]
fn exact_address_then_longest_domain_then_none() {
    let c = with(CLIENTS).unwrap();
    assert_eq!(name(&c, "Direction@Client.Example.fr"), Some("Directrice"));
    assert_eq!(name(&c, "x@compta.client.example.fr"), Some("Compta"));
    assert_eq!(name(&c, "x@client.example.fr"), Some("Groupe"));
    assert_eq!(name(&c, "x@paris.client.example.fr"), Some("Groupe"));
    assert_eq!(name(&c, "x@otherclient.example.fr"), None);
    assert_eq!(name(&c, "x@example.fr"), None);
}

#[test]
fn overrides_fold_into_the_policy() {
    let c = with(CLIENTS).unwrap();
    let global = c.policy_for(&addr("someone@elsewhere.example.fr"));
    assert_eq!(global.min_amount, dec!(20));
    assert_eq!(global.grouping, Grouping::PerClient);
    assert!(global.notice_requires_confirmation && !global.excluded);
    assert_eq!(global.ladder, c.sequence.ladder);

    let group = c.policy_for(&addr("x@client.example.fr"));
    assert_eq!(group.grouping, Grouping::PerInvoice);
    assert_eq!(group.min_amount, dec!(20));

    let compta = c.policy_for(&addr("x@compta.client.example.fr"));
    assert_eq!(compta.min_amount, dec!(100));
    assert!(!compta.notice_requires_confirmation);
    assert_eq!(
        c.language_for(&addr("x@compta.client.example.fr")),
        Language::En
    );
    assert_eq!(c.language_for(&addr("x@client.example.fr")), Language::Fr);

    let direction = c.policy_for(&addr("direction@client.example.fr"));
    assert!(direction.excluded);
    let templates: Vec<&str> = direction
        .ladder
        .iter()
        .map(|s| s.template.as_str())
        .collect();
    // Unnamed steps take the default ladder's template for their action and rank.
    assert_eq!(templates, ["step1", "step3", "step2"]);
}

#[test]
fn the_window_and_calendar_reach_the_policy() {
    let c = with("[sequence]\ncalendar = \"uk\"\nwindow = { days = \"mon-thu\", from = \"08:00\", to = \"12:00\", skip-holidays = false }\n").unwrap();
    let p = c.policy_for_client(None);
    assert_eq!(p.calendar.kind(), CalendarKind::Uk);
    assert_eq!((p.window.from, p.window.to), (hm(8, 0), hm(12, 0)));
    assert!(!p.window.skip_holidays);
    assert!(!p.window.days.contains(chrono::Weekday::Fri));
}

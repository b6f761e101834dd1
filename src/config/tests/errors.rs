//! Every kind of mistake gives `relance.toml:line:column: what, expected …`.

use super::*;

fn err(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// MINIMAL plus `extra`, whose first line is line 12.
fn err_with(extra: &str) -> String {
    err(&format!("{MINIMAL}{extra}"))
}

#[test]
fn values_are_placed_at_their_line_and_column() {
    for (extra, want) in [
        (
            "[[sequence.step]]\naction = \"emial\"\ndelay = \"2 days\"\n",
            "relance.toml:13:10: unknown step action 'emial', expected one of: email, call-task, notice",
        ),
        (
            "[sequence]\nmin-gap = \"3 buisness days\"\n",
            "relance.toml:13:11: invalid delay '3 buisness days', expected 'N business days' or 'N days' (e.g. '2 business days')",
        ),
        (
            "[sequence]\nmode = \"sned\"\n",
            "relance.toml:13:8: unknown mode 'sned', expected one of: send, draft, dry-run",
        ),
        (
            "[sequence]\ncalendar = \"de\"\n",
            "relance.toml:13:12: unknown calendar 'de', expected one of: fr, fr-alsace-moselle, uk, weekends",
        ),
        (
            "[sequence]\nwindow = { days = \"mon-fry\" }\n",
            "relance.toml:13:19: invalid window days 'mon-fry', expected weekdays such as 'mon-fri' or 'mon,wed,fri'",
        ),
        (
            "[sequence]\nwindow = { from = \"18:00\", to = \"09:00\" }\n",
            "relance.toml:13:33: window closes at 09:00 but opens at 18:00, expected 'to' later than 'from'",
        ),
        (
            "[sequence]\nforewarning-at = \"5pm\"\n",
            "relance.toml:13:18: invalid time '5pm', expected HH:MM (e.g. '09:00')",
        ),
        (
            "[detect]\nnumber = '(abc'\n",
            "relance.toml:13:10: invalid regex '(abc': unclosed group",
        ),
        (
            "[detect]\namount = 'montant'\n",
            "relance.toml:13:10: regex 'montant' captures nothing, expected a group around the value, e.g. '(\\d+)'",
        ),
        (
            "[detect]\ninvoice-senders = [\"factures\"]\n",
            "relance.toml:13:20: invalid email address 'factures', expected name@domain.tld",
        ),
        (
            "[state]\nsince = \"01/01/2026\"\n",
            "relance.toml:13:9: invalid date '01/01/2026', expected YYYY-MM-DD",
        ),
        (
            "[sequence]\nminimum-amount = true\n",
            "relance.toml:13:18: invalid number true, expected a non-negative decimal such as \"2.15\"",
        ),
        (
            "[sequence]\nminimum-amount = \"30 euros\"\n",
            "relance.toml:13:18: invalid amount '30 euros', expected a decimal with an optional currency (e.g. \"30 EUR\")",
        ),
        (
            "[penalties]\nregime = \"fr\"\n",
            "relance.toml:13:10: unknown penalty regime 'fr', expected one of: fr-b2b, uk-b2b, none",
        ),
        (
            "[logging]\nformat = \"xml\"\n",
            "relance.toml:13:10: unknown log format 'xml', expected one of: text, json",
        ),
    ] {
        assert_eq!(err_with(extra), want, "{extra}");
    }
}

#[test]
fn a_bad_time_zone_is_placed() {
    let text = "[company]\nname = \"A\"\ntime-zone = \"Europe/Pari\"\nemail = \"a@a.example.fr\"\n";
    assert_eq!(
        err(text),
        "relance.toml:3:13: invalid time zone 'Europe/Pari', expected an IANA name such as Europe/Paris"
    );
}

#[test]
fn a_bad_company_email_is_placed() {
    let text = MINIMAL.replace("claire@atelier-dupont.example.fr", "claire");
    assert_eq!(
        err(&text),
        "relance.toml:3:9: invalid email address 'claire', expected name@domain.tld"
    );
}

#[test]
fn unknown_keys_and_wrong_types_come_from_the_parser_with_places() {
    let unknown = err_with("[sequence]\nmdoe = \"send\"\n");
    assert!(
        unknown.starts_with("relance.toml:13:1: unknown key 'mdoe', expected one of"),
        "{unknown}"
    );
    let wrong = err_with("[sequence]\nrate-limit = \"20\"\n");
    assert_eq!(
        wrong,
        "relance.toml:13:14: invalid type: string \"20\", expected u32"
    );
    let syntax = err_with("[sequence\n");
    assert!(syntax.starts_with("relance.toml:12:"), "{syntax}");
}

#[test]
fn missing_keys_and_tables_are_named() {
    let no_host = MINIMAL.replace("host = \"imap.example.fr\"\n", "");
    assert_eq!(
        err(&no_host),
        "relance.toml:5:1: missing key 'host' in [imap]"
    );
    assert_eq!(
        err("[imap]\nhost = \"x.fr\"\npassword-env = \"P\"\n"),
        "relance.toml: missing table [company], expected at least name and email"
    );
    let no_smtp = MINIMAL
        .split("[smtp]")
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(
        err(&no_smtp).starts_with("relance.toml: missing table [smtp], needed by sequence.mode")
    );
}

#[test]
fn password_sources_are_exactly_one_and_never_inline_by_accident() {
    let none = MINIMAL.replacen("password-env = \"RELANCE_IMAP\"\n", "", 1);
    assert!(
        err(&none).starts_with("relance.toml:5:1: missing password in [imap], expected one of"),
        "{}",
        err(&none)
    );
    let two = MINIMAL.replacen(
        "password-env = \"RELANCE_IMAP\"",
        "password-env = \"RELANCE_IMAP\"\npassword-file = \"/etc/relance/imap\"",
        1,
    );
    assert_eq!(
        err(&two),
        "relance.toml:8:17: [imap] sets both password-env and password-file, expected only one"
    );
    let inline = MINIMAL.replacen(
        "password-env = \"RELANCE_IMAP\"",
        "password = \"s3cret\"",
        1,
    );
    let message = err(&inline);
    assert!(message.starts_with("relance.toml:7:12: [imap] password is written in the file"));
    assert!(!message.contains("s3cret"));
    let accepted = inline.replacen(
        "password = \"s3cret\"",
        "password = \"s3cret\"\ninsecure-inline-password = true",
        1,
    );
    let c = parse(&accepted).unwrap();
    assert!(
        c.warnings
            .iter()
            .any(|w| w.contains("[imap] password is written"))
    );
}

#[test]
fn plain_text_is_refused_off_loopback() {
    let text = MINIMAL.replacen(
        "host = \"imap.example.fr\"",
        "host = \"imap.example.fr\"\ntls = \"none\"",
        1,
    );
    assert_eq!(
        err(&text),
        "relance.toml:7:7: tls = 'none' is only allowed for a loopback host, not 'imap.example.fr', expected implicit or starttls"
    );
}

#[test]
fn ladders_must_be_in_time_order() {
    let extra = "[[sequence.step]]\naction = \"email\"\ndelay = \"10 days\"\n\
                 [[sequence.step]]\naction = \"email\"\ndelay = \"5 days\"\n";
    assert_eq!(
        err_with(extra),
        "relance.toml:17:9: step 2 comes 5 days after the due date, before the step above it (10 days), expected steps in time order"
    );
    let bad_template =
        "[[sequence.step]]\naction = \"email\"\ndelay = \"1 day\"\ntemplate = \"../x\"\n";
    assert!(err_with(bad_template).starts_with("relance.toml:15:12: invalid template name '../x'"));
}

#[test]
fn an_address_belongs_to_one_client() {
    let extra = "[[client]]\nemails = [\"a@client.example.fr\"]\n\
                 [[client]]\nemails = [\"b@client.example.fr\", \"A@client.example.fr\"]\n";
    assert_eq!(
        err_with(extra),
        "relance.toml:15:34: 'a@client.example.fr' already belongs to [[client]] number 1, expected each address or domain in one client only"
    );
    assert!(
        err_with("[[client]]\nname = \"X\"\n")
            .starts_with("relance.toml:12:1: a [[client]] matches nothing")
    );
}

#[test]
fn rates_are_one_per_date() {
    let extra = "[[penalties.rate]]\nfrom = \"2025-06-11\"\nrate = 2.15\n\
                 [[penalties.rate]]\nfrom = \"2025-06-11\"\nrate = \"2.00\"\n";
    assert_eq!(
        err_with(extra),
        "relance.toml:16:8: rate date 2025-06-11 appears twice, expected one rate per date"
    );
    let negative = "[penalties]\ncontractual-rate = -3\n";
    assert!(err_with(negative).starts_with("relance.toml:13:20: invalid number -3"));
}

#[test]
fn a_missing_file_names_the_path() {
    let e = Config::load(Path::new("does-not-exist/relance.toml")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("does-not-exist/relance.toml: cannot read the configuration")
    );
}

//! Integration tests of `relance::mailbox` against a real Dovecot and Postfix
//! started by `support::MailServer`.

mod support;

use support::MailServer;

#[test]
fn harness_starts_and_delivers() {
    let server = MailServer::start();
    let raw = b"From: claire@atelier-dupont.test\r\nTo: compta@client-a.test\r\nSubject: Facture F-2026-001\r\nMessage-ID: <f1@atelier-dupont.test>\r\n\r\nBonjour\r\n";
    let uid = server.deliver_and_wait(raw, support::CLIENT_A.address);
    let body = server
        .fetch(support::CLIENT_A.address, "INBOX", uid)
        .unwrap();
    assert!(String::from_utf8_lossy(&body).contains("Facture F-2026-001"));
    let sent = server.append(support::OWNER.address, "Sent", raw, &["\\Seen"]);
    assert_eq!(server.list_uids(support::OWNER.address, "Sent"), vec![sent]);
    let old = server.uid_validity(support::OWNER.address, "Sent");
    let new = server.bump_uidvalidity(support::OWNER.address, "Sent");
    assert_ne!(old, new);
    println!("{}", server.dovecot_log());
}

//! Integration tests of `relance::mailbox` against a real Dovecot and a real
//! Postfix delivering into it, started per test by `support::MailServer`.

mod support;

use std::time::Duration;

use relance::mailbox::imap::{Flag, IdleEvent};
use relance::mailbox::{
    Auth, Error, ImapSession, ImapSettings, Secret, SmtpClient, SmtpSettings, TlsMode, Uid,
};
use support::{CLIENT_A, CLIENT_B, MailServer, OWNER, TEMPFAIL_RECIPIENT, User};

/// Bound for anything that waits on the servers; generous for a busy CI.
const LIMIT: Duration = Duration::from_secs(30);

fn imap_settings(server: &MailServer, user: User, tls: TlsMode) -> ImapSettings {
    let port = match tls {
        TlsMode::Implicit => server.imap_port_tls,
        TlsMode::StartTls | TlsMode::None => server.imap_port_starttls,
    };
    ImapSettings {
        host: "localhost".to_owned(),
        port,
        tls,
        username: user.address.to_owned(),
        auth: Auth::Password(Secret::new(user.password)),
        ca_file: Some(server.ca_cert_pem.clone()),
        timeout: LIMIT,
    }
}

fn smtps_settings(server: &MailServer, user: User) -> SmtpSettings {
    SmtpSettings {
        host: "localhost".to_owned(),
        port: server.smtps_port,
        tls: TlsMode::Implicit,
        credentials: Some((
            user.address.to_owned(),
            Auth::Password(Secret::new(user.password)),
        )),
        ca_file: Some(server.ca_cert_pem.clone()),
        timeout: LIMIT,
    }
}

async fn connect(server: &MailServer, user: User) -> ImapSession {
    ImapSession::connect(&imap_settings(server, user, TlsMode::Implicit))
        .await
        .expect("login over implicit TLS")
}

fn message(id: &str, from: &str, to: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Mon, 2 Mar 2026 09:30:00 +0100\r\n\
         Message-ID: <{id}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_over_implicit_tls_and_starttls_with_the_test_ca() {
    let server = MailServer::start();
    for tls in [TlsMode::Implicit, TlsMode::StartTls] {
        let mut session = ImapSession::connect(&imap_settings(&server, OWNER, tls))
            .await
            .unwrap_or_else(|e| panic!("{tls:?}: {e}"));
        assert!(session.has_idle());
        session.noop().await.unwrap();
        session.logout().await;
    }
    // By IP address too: the certificate names 127.0.0.1.
    let mut settings = imap_settings(&server, OWNER, TlsMode::Implicit);
    settings.host = "127.0.0.1".to_owned();
    ImapSession::connect(&settings)
        .await
        .unwrap()
        .logout()
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_imap_is_allowed_to_loopback_only() {
    let server = MailServer::start();
    let mut settings = imap_settings(&server, OWNER, TlsMode::None);
    settings.host = "127.0.0.1".to_owned();
    ImapSession::connect(&settings)
        .await
        .unwrap()
        .logout()
        .await;

    settings.host = "imap.example.fr".to_owned();
    let err = ImapSession::connect(&settings).await.unwrap_err();
    assert!(matches!(err, Error::PlainToRemote { .. }), "{err}");
    assert!(!err.is_transient());
    let mut smtp = smtps_settings(&server, OWNER);
    smtp.tls = TlsMode::None;
    smtp.host = "smtp.example.fr".to_owned();
    let err = SmtpClient::new(&smtp).unwrap_err();
    assert!(matches!(err, Error::PlainToRemote { .. }), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_password_and_unknown_ca_are_permanent_errors() {
    let server = MailServer::start();
    let mut settings = imap_settings(&server, OWNER, TlsMode::Implicit);
    settings.auth = Auth::Password(Secret::new("wrong"));
    let err = ImapSession::connect(&settings).await.unwrap_err();
    assert!(matches!(err, Error::Auth { .. }), "{err}");
    assert!(!err.is_transient(), "{err}");
    assert!(!err.to_string().contains("wrong"), "secret leaked: {err}");

    let mut settings = imap_settings(&server, OWNER, TlsMode::Implicit);
    settings.ca_file = None;
    let err = ImapSession::connect(&settings).await.unwrap_err();
    assert!(matches!(err, Error::Tls { .. }), "{err}");
    assert!(!err.is_transient(), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xoauth2_login_for_imap_and_smtp() {
    let server = MailServer::start();
    let mut settings = imap_settings(&server, OWNER, TlsMode::StartTls);
    // The harness's Dovecot takes the password as a valid bearer token.
    settings.auth = Auth::XOAuth2(Secret::new(OWNER.password));
    let mut session = ImapSession::connect(&settings).await.unwrap();
    session.noop().await.unwrap();
    session.logout().await;

    settings.auth = Auth::XOAuth2(Secret::new("expired-token"));
    let err = ImapSession::connect(&settings).await.unwrap_err();
    assert!(matches!(err, Error::Auth { .. }), "{err}");
    assert!(!err.is_transient());

    let mut smtp = smtps_settings(&server, OWNER);
    smtp.credentials = Some((
        OWNER.address.to_owned(),
        Auth::XOAuth2(Secret::new(OWNER.password)),
    ));
    let raw = message(
        "x1@atelier-dupont.test",
        OWNER.address,
        CLIENT_A.address,
        "x",
        "x",
    );
    SmtpClient::new(&smtp)
        .unwrap()
        .send_raw(OWNER.address, &[CLIENT_A.address], &raw)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn special_use_folders_are_discovered() {
    let server = MailServer::start();
    let mut session = connect(&server, OWNER).await;
    let folders = session.special_folders().await.unwrap();
    assert_eq!(folders.sent.as_deref(), Some("Sent"));
    assert_eq!(folders.drafts.as_deref(), Some("Drafts"));
    session.logout().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_submission_reaches_the_client_inbox_and_is_fetched_by_uid() {
    let server = MailServer::start();
    let raw = message(
        "inv-2026-001@atelier-dupont.test",
        OWNER.address,
        CLIENT_A.address,
        "Facture F-2026-001",
        "Veuillez trouver ci-joint la facture F-2026-001.",
    );
    let smtp = SmtpClient::new(&smtps_settings(&server, OWNER)).unwrap();
    smtp.check().await.unwrap();
    let accepted = smtp
        .send_raw(OWNER.address, &[CLIENT_A.address], &raw)
        .await
        .unwrap();
    assert_eq!(accepted.code, 250, "{accepted:?}");

    // The same over STARTTLS with AUTH, to the other client.
    let mut starttls = smtps_settings(&server, OWNER);
    starttls.port = server.smtp_port;
    starttls.tls = TlsMode::StartTls;
    let raw_b = message(
        "inv-2026-002@atelier-dupont.test",
        OWNER.address,
        CLIENT_B.address,
        "Facture F-2026-002",
        "x",
    );
    SmtpClient::new(&starttls)
        .unwrap()
        .send_raw(OWNER.address, &[CLIENT_B.address], &raw_b)
        .await
        .unwrap();

    let uid = server.wait_for_message(
        CLIENT_A.address,
        "INBOX",
        "<inv-2026-001@atelier-dupont.test>",
    );
    server.wait_for_message(
        CLIENT_B.address,
        "INBOX",
        "<inv-2026-002@atelier-dupont.test>",
    );
    let mut session = connect(&server, CLIENT_A).await;
    let state = session.select("INBOX").await.unwrap();
    assert_eq!(state.exists, 1);
    assert!(state.uid_next.is_some_and(|next| next > Uid(uid)));
    let messages = session
        .fetch_bodies(&[Uid(uid), Uid(uid + 100)])
        .await
        .unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].uid, Uid(uid));
    let body = text(&messages[0].raw);
    assert!(body.contains("Subject: Facture F-2026-001"), "{body}");
    assert!(body.contains("la facture F-2026-001."), "{body}");
    // BODY.PEEK leaves the message unread.
    assert!(!messages[0].flags.contains(&Flag::Seen));
    session.logout().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_are_fetched_in_batches_without_bodies() {
    let server = MailServer::start();
    // More than one batch of 200.
    let raws: Vec<Vec<u8>> = (1..=230)
        .map(|n| {
            message(
                &format!("m{n}@client-a.test"),
                CLIENT_A.address,
                OWNER.address,
                &format!("Re: Facture {n}"),
                &format!("BODY-MARKER-{n}"),
            )
        })
        .collect();
    let uids = server.append_many(OWNER.address, "INBOX", &raws, &[]);
    let uid = server.deliver_and_wait(
        &message(
            "auto@client-b.test",
            CLIENT_B.address,
            OWNER.address,
            "Absence",
            "OOO",
        ),
        OWNER.address,
    );

    let mut session = connect(&server, OWNER).await;
    let state = session.examine("INBOX").await.unwrap();
    assert_eq!(state.exists, 231);
    let last = Uid(state.uid_next.unwrap().0 - 1);
    let headers = session.fetch_headers(Uid(1), last).await.unwrap();
    assert_eq!(headers.len(), 231);
    let got: Vec<u32> = headers.iter().map(|h| h.uid.0).collect();
    let mut want = uids.clone();
    want.push(uid);
    assert_eq!(got, want);
    for (h, n) in headers.iter().zip(1..=230) {
        let head = text(&h.header);
        assert!(
            head.contains(&format!("Message-ID: <m{n}@client-a.test>")),
            "{head}"
        );
        assert!(
            head.contains(&format!("Subject: Re: Facture {n}")),
            "{head}"
        );
        assert!(
            !head.contains("BODY-MARKER"),
            "body leaked into headers: {head}"
        );
        assert!(!head.contains("MIME-Version"), "unrequested field: {head}");
        assert!(h.size.is_some_and(|s| s > 0));
        assert!(h.internal_date.is_some());
    }
    // A sub-range, and a range past the end (the `n:*` trap).
    let some = session
        .fetch_headers(Uid(uids[9]), Uid(uids[11]))
        .await
        .unwrap();
    assert_eq!(some.len(), 3);
    let none = session
        .fetch_headers(Uid(last.0 + 1), Uid(last.0 + 50))
        .await
        .unwrap();
    assert!(none.is_empty(), "{none:?}");
    session.logout().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appended_copy_in_sent_is_found_by_message_id() {
    let server = MailServer::start();
    let mut session = connect(&server, OWNER).await;
    let sent = session.special_folders().await.unwrap().sent.unwrap();
    let id = "relance-7f3a@atelier-dupont.test";
    let raw = message(
        id,
        OWNER.address,
        CLIENT_A.address,
        "Re: Facture F-2026-001",
        "Relance",
    );
    session.append(&sent, &raw, &[Flag::Seen]).await.unwrap();
    session
        .append("Drafts", &raw, &[Flag::Draft])
        .await
        .unwrap();

    session.select(&sent).await.unwrap();
    let found = session.search_message_id(&format!("<{id}>")).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(session.search_message_id(id).await.unwrap(), found);
    assert!(
        session
            .search_message_id("absent@x.test")
            .await
            .unwrap()
            .is_empty()
    );
    let flags = server.flags(OWNER.address, "Sent", found[0].0);
    assert!(flags.contains(&"\\Seen".to_owned()), "{flags:?}");
    let stored = server.fetch(OWNER.address, "Sent", found[0].0).unwrap();
    assert_eq!(stored, raw);
    let drafts = server.list_uids(OWNER.address, "Drafts");
    assert!(
        server
            .flags(OWNER.address, "Drafts", drafts[0])
            .contains(&"\\Draft".to_owned())
    );
    session.logout().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keywords_are_stored_and_read() {
    let server = MailServer::start();
    let paid = server.append(
        OWNER.address,
        "INBOX",
        &message(
            "a@client-a.test",
            CLIENT_A.address,
            OWNER.address,
            "Virement",
            "payé",
        ),
        &[],
    );
    let stopped = server.append(
        OWNER.address,
        "INBOX",
        &message(
            "b@client-b.test",
            CLIENT_B.address,
            OWNER.address,
            "Re: Facture",
            "merci",
        ),
        &["relance-stop"],
    );
    let mut session = connect(&server, OWNER).await;
    session.select("INBOX").await.unwrap();
    session
        .add_keywords(&[Uid(paid)], &["relance-paid"])
        .await
        .unwrap();
    assert!(
        server
            .flags(OWNER.address, "INBOX", paid)
            .contains(&"relance-paid".to_owned())
    );
    assert!(
        session
            .has_keyword(Uid(paid), "relance-paid")
            .await
            .unwrap()
    );
    assert!(
        !session
            .has_keyword(Uid(paid), "relance-stop")
            .await
            .unwrap()
    );
    assert!(
        session
            .has_keyword(Uid(stopped), "relance-stop")
            .await
            .unwrap()
    );
    assert_eq!(
        session.search_keyword("relance-stop").await.unwrap(),
        vec![Uid(stopped)]
    );

    session
        .remove_keywords(&[Uid(paid)], &["relance-paid"])
        .await
        .unwrap();
    assert!(
        !session
            .has_keyword(Uid(paid), "relance-paid")
            .await
            .unwrap()
    );
    let err = session
        .add_keywords(&[Uid(paid)], &["bad keyword"])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }), "{err}");
    // The session is still usable after a refused input.
    session.noop().await.unwrap();
    session.logout().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_wakes_up_when_a_message_is_delivered() {
    let server = MailServer::start();
    let mut session = connect(&server, OWNER).await;
    assert!(session.has_idle());
    session.select("INBOX").await.unwrap();

    // Nothing happens: IDLE ends at its limit and the session stays usable.
    let quiet = session.idle_wait(Duration::from_millis(500)).await.unwrap();
    assert_eq!(quiet, IdleEvent::TimedOut);
    session.noop().await.unwrap();

    let raw = message(
        "reply-1@client-a.test",
        CLIENT_A.address,
        OWNER.address,
        "Re: Facture",
        "Virement effectué",
    );
    let deliver = std::thread::spawn({
        let port = server.smtp_port;
        move || {
            // Give IDLE a moment to be in place; either way the event is seen.
            std::thread::sleep(Duration::from_millis(300));
            support::deliver_on(port, &raw, OWNER.address);
        }
    });
    let event = session.idle_wait(LIMIT).await.unwrap();
    deliver.join().unwrap();
    assert_eq!(event, IdleEvent::Changed);
    let state = session.select("INBOX").await.unwrap();
    assert_eq!(state.exists, 1);
    session.logout().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uidvalidity_change_is_detected() {
    let server = MailServer::start();
    server.append(
        OWNER.address,
        "INBOX",
        &message("x@client-a.test", CLIENT_A.address, OWNER.address, "x", "x"),
        &[],
    );
    let mut session = connect(&server, OWNER).await;
    let before = session.examine("INBOX").await.unwrap();
    session.logout().await;

    let bumped = server.bump_uidvalidity(OWNER.address, "INBOX");
    let mut session = connect(&server, OWNER).await;
    let after = session.examine("INBOX").await.unwrap();
    assert_ne!(after.uid_validity, before.uid_validity);
    assert_eq!(after.uid_validity, bumped);
    session.logout().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dovecot_restart_is_a_transient_error_and_reconnecting_works() {
    let mut server = MailServer::start();
    let mut session = connect(&server, OWNER).await;
    session.select("INBOX").await.unwrap();

    server.stop_dovecot();
    let err = session.noop().await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    // The broken session keeps saying so instead of hanging or panicking.
    assert!(session.select("INBOX").await.unwrap_err().is_transient());
    let err = ImapSession::connect(&imap_settings(&server, OWNER, TlsMode::Implicit))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err}");
    assert!(err.is_transient());

    server.start_dovecot();
    let mut session = connect(&server, OWNER).await;
    session.select("INBOX").await.unwrap();
    session.logout().await;

    // An IDLE cut by a restart is reported the same way.
    let mut session = connect(&server, OWNER).await;
    session.select("INBOX").await.unwrap();
    let idle = tokio::spawn(async move { session.idle_wait(LIMIT).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    tokio::task::block_in_place(|| server.restart_dovecot());
    let err = idle.await.unwrap().unwrap_err();
    assert!(err.is_transient(), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_rejections_keep_code_and_text() {
    let server = MailServer::start();
    let smtp = SmtpClient::new(&smtps_settings(&server, OWNER)).unwrap();
    let raw = message(
        "r@atelier-dupont.test",
        OWNER.address,
        "nobody@client-a.test",
        "x",
        "x",
    );

    let err = smtp
        .send_raw(OWNER.address, &["nobody@client-a.test"], &raw)
        .await
        .unwrap_err();
    match &err {
        Error::SmtpRejected { code, text, .. } => {
            assert_eq!(*code, 550);
            assert!(text.contains("User unknown"), "{text}");
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
    assert!(!err.is_transient());

    let err = smtp
        .send_raw(OWNER.address, &[TEMPFAIL_RECIPIENT], &raw)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::SmtpRejected { code: 451, .. }),
        "{err:?}"
    );
    assert!(err.is_transient());

    let mut bad = smtps_settings(&server, OWNER);
    bad.credentials = Some((
        OWNER.address.to_owned(),
        Auth::Password(Secret::new("wrong")),
    ));
    let err = SmtpClient::new(&bad)
        .unwrap()
        .send_raw(OWNER.address, &[CLIENT_A.address], &raw)
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::SmtpRejected { code: 535, .. }),
        "{err:?}"
    );
    assert!(!err.is_transient());

    let mut anonymous = smtps_settings(&server, OWNER);
    anonymous.credentials = None;
    let err = SmtpClient::new(&anonymous)
        .unwrap()
        .send_raw(OWNER.address, &[CLIENT_A.address], &raw)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::SmtpRejected {
                code: 500..=599,
                ..
            }
        ),
        "{err:?}"
    );

    // Nobody listening: a network failure, worth retrying.
    let mut closed = smtps_settings(&server, OWNER);
    closed.port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let err = SmtpClient::new(&closed)
        .unwrap()
        .send_raw(OWNER.address, &[CLIENT_A.address], &raw)
        .await
        .unwrap_err();
    assert!(err.is_transient(), "{err:?}");

    // Not an SMTP server at all (Dovecot's IMAP over TLS): a protocol error.
    let mut imap = smtps_settings(&server, OWNER);
    imap.port = server.imap_port_tls;
    let err = SmtpClient::new(&imap)
        .unwrap()
        .send_raw(OWNER.address, &[CLIENT_A.address], &raw)
        .await
        .unwrap_err();
    assert!(!err.is_transient(), "{err:?}");
}

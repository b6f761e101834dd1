-- The first schema of relance. Enum columns carry CHECK constraints that
-- list the spellings of the Rust enums in store/sql.rs and domain.rs.
-- Amounts are exact decimal TEXT, dates ISO 8601 TEXT, instants RFC 3339 UTC.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE clients (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL,
    phone            TEXT,
    postal_address   TEXT,
    notice_confirmed INTEGER NOT NULL DEFAULT 0 CHECK (notice_confirmed IN (0, 1)),
    paused           INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    excluded         INTEGER NOT NULL DEFAULT 0 CHECK (excluded IN (0, 1))
) STRICT;

-- One address belongs to one client, so a sender identifies a client.
CREATE TABLE contacts (
    id        INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES clients(id),
    address   TEXT NOT NULL UNIQUE,
    domain    TEXT NOT NULL,
    billing   INTEGER NOT NULL DEFAULT 0 CHECK (billing IN (0, 1)),
    bounced   INTEGER NOT NULL DEFAULT 0 CHECK (bounced IN (0, 1)),
    source    TEXT NOT NULL CHECK (source IN ('invoice', 'config', 'cli', 'csv'))
) STRICT;
CREATE INDEX contacts_client ON contacts(client_id);
CREATE INDEX contacts_domain ON contacts(domain);

CREATE TABLE invoices (
    id           INTEGER PRIMARY KEY,
    client_id    INTEGER NOT NULL REFERENCES clients(id),
    number       TEXT NOT NULL,
    amount       TEXT NOT NULL,
    currency     TEXT NOT NULL CHECK (length(currency) = 3),
    paid         TEXT NOT NULL DEFAULT '0',
    issue_date   TEXT NOT NULL,
    due_date     TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paid', 'cancelled')),
    source       TEXT NOT NULL
                 CHECK (source IN ('sent-folder', 'factur-x', 'inbox-bcc', 'cli', 'csv')),
    paused       INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    -- The original invoice email, absent for invoices added by hand.
    message_id   TEXT,
    subject      TEXT,
    refs         TEXT NOT NULL DEFAULT '',
    thread_topic TEXT,
    thread_index TEXT,
    -- Where the original sits now; cleared when its folder's UIDVALIDITY changes.
    folder       TEXT,
    uidvalidity  INTEGER,
    uid          INTEGER,
    UNIQUE (client_id, number),
    CHECK ((folder IS NULL) = (uid IS NULL) AND (uid IS NULL) = (uidvalidity IS NULL))
) STRICT;
CREATE INDEX invoices_number ON invoices(number);
CREATE INDEX invoices_message_id ON invoices(message_id);

-- Enough to fetch an attachment again (the IMAP body part) and to check it.
CREATE TABLE invoice_attachments (
    id           INTEGER PRIMARY KEY,
    invoice_id   INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL CHECK (size >= 0),
    part         TEXT NOT NULL,
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64)
) STRICT;
CREATE INDEX invoice_attachments_invoice ON invoice_attachments(invoice_id);

-- A message is one row however many folders hold a copy of it.
CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    message_id  TEXT UNIQUE,
    in_reply_to TEXT,
    refs        TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL DEFAULT '',
    from_addr   TEXT,
    date        TEXT,
    direction   TEXT NOT NULL CHECK (direction IN ('in', 'out'))
) STRICT;

CREATE TABLE message_locations (
    folder      TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uid         INTEGER NOT NULL,
    message_row INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    PRIMARY KEY (folder, uidvalidity, uid)
) STRICT, WITHOUT ROWID;
CREATE INDEX message_locations_message ON message_locations(message_row);

CREATE TABLE message_invoices (
    message_row INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    invoice_id  INTEGER NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
    PRIMARY KEY (message_row, invoice_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX message_invoices_invoice ON message_invoices(invoice_id);

CREATE TABLE folders (
    folder         TEXT PRIMARY KEY,
    uidvalidity    INTEGER NOT NULL,
    last_uid       INTEGER NOT NULL DEFAULT 0,
    highest_modseq INTEGER
) STRICT;

-- A user override adds a row and points the old one at it.
CREATE TABLE classifications (
    id            INTEGER PRIMARY KEY,
    message_row   INTEGER NOT NULL REFERENCES messages(id),
    at            TEXT NOT NULL,
    class         TEXT NOT NULL CHECK (class IN
                  ('paid', 'promise', 'partial', 'ooo', 'bounce', 'dispute', 'question', 'other')),
    date          TEXT,
    amount        TEXT,
    evidence      TEXT NOT NULL DEFAULT '',
    by_user       INTEGER NOT NULL DEFAULT 0 CHECK (by_user IN (0, 1)),
    superseded_by INTEGER REFERENCES classifications(id)
) STRICT;
CREATE INDEX classifications_message ON classifications(message_row);

CREATE TABLE commands (
    id   INTEGER PRIMARY KEY,
    at   TEXT NOT NULL,
    name TEXT NOT NULL,
    args TEXT NOT NULL DEFAULT '[]'
) STRICT;

-- The engine's events; retracted ones (from an overridden classification)
-- are kept for the record but no longer fed to the engine.
CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    client_id      INTEGER NOT NULL REFERENCES clients(id),
    at             TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN
                   ('reply', 'manual-contact', 'user-promise', 'user-confirm-paid',
                    'user-reject-paid', 'user-pause', 'user-resume', 'user-confirm-notice',
                    'user-stop')),
    class          TEXT CHECK (class IN
                   ('paid', 'promise', 'partial', 'ooo', 'bounce', 'dispute', 'question', 'other')),
    date           TEXT,
    amount         TEXT,
    from_addr      TEXT,
    known_sender   INTEGER CHECK (known_sender IN (0, 1)),
    failed_address TEXT,
    message_row    INTEGER REFERENCES messages(id),
    classification INTEGER REFERENCES classifications(id),
    command        INTEGER REFERENCES commands(id),
    retracted      INTEGER NOT NULL DEFAULT 0 CHECK (retracted IN (0, 1)),
    CHECK ((kind = 'reply') = (class IS NOT NULL AND from_addr IS NOT NULL
                               AND known_sender IS NOT NULL)),
    CHECK (kind <> 'user-promise' OR date IS NOT NULL)
) STRICT;
CREATE INDEX events_client ON events(client_id, at);

CREATE TABLE event_invoices (
    event_id   INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    PRIMARY KEY (event_id, invoice_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX event_invoices_invoice ON event_invoices(invoice_id);

-- Intent before effect: a row exists, with its Message-ID, before SMTP is called.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    client_id        INTEGER REFERENCES clients(id),
    kind             TEXT NOT NULL CHECK (kind IN
                     ('step', 'task', 'alert', 'end', 'forewarning', 'digest')),
    step             INTEGER CHECK (step BETWEEN 1 AND 255),
    action           TEXT CHECK (action IN ('email', 'call-task', 'notice')),
    promise_not_kept INTEGER NOT NULL DEFAULT 0 CHECK (promise_not_kept IN (0, 1)),
    alert            TEXT CHECK (alert IN
                     ('bounce', 'dispute', 'question', 'unknown-reply', 'confirm-paid',
                      'notice-ready', 'limitation')),
    event_id         INTEGER REFERENCES events(id),
    recipients       TEXT NOT NULL,
    message_id       TEXT NOT NULL UNIQUE,
    state            TEXT NOT NULL CHECK (state IN
                     ('planned', 'sending', 'sent', 'appended', 'failed', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    raw              BLOB,
    CHECK ((kind IN ('step', 'task')) = (step IS NOT NULL AND action IS NOT NULL)),
    CHECK ((kind = 'task') = (action IS 'call-task')),
    CHECK ((kind = 'alert') = (alert IS NOT NULL)),
    CHECK (kind IN ('forewarning', 'digest') OR client_id IS NOT NULL)
) STRICT;
CREATE INDEX outbox_client ON outbox(client_id);
CREATE INDEX outbox_state ON outbox(state);

CREATE TABLE outbox_invoices (
    outbox_id  INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    PRIMARY KEY (outbox_id, invoice_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX outbox_invoices_invoice ON outbox_invoices(invoice_id);

-- Append-only: what was decided, when, why and by whom.
CREATE TABLE audit (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    client_id  INTEGER REFERENCES clients(id),
    invoice_id INTEGER REFERENCES invoices(id),
    outbox_id  INTEGER REFERENCES outbox(id),
    decision   TEXT NOT NULL,
    reason     TEXT NOT NULL,
    actor      TEXT NOT NULL CHECK (actor IN ('daemon', 'user', 'client'))
) STRICT;
CREATE INDEX audit_client ON audit(client_id);
CREATE INDEX audit_invoice ON audit(invoice_id);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

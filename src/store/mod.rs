//! The SQLite store: schema, migrations and every typed query; all SQL lives
//! here. Callers get domain types, never raw state strings.
//!
//! Synchronous by design (the daemon reaches it from one blocking thread).
//! The file is private (0600), in WAL mode with a busy timeout so the CLI can
//! read and write while the daemon runs; several writes that belong together
//! go through [`Store::transaction`].

mod audit;
mod case;
mod clients;
mod daemon_queries;
mod events;
mod import;
mod invoices;
mod messages;
mod outbox;
mod pipeline_queries;
mod schema;
mod sql;
#[cfg(test)]
mod testutil;

use std::fs::{DirBuilder, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::domain::{ClientId, EmailAddress, InvoiceId, InvoiceNumber, OutboxId};

pub use audit::{AuditRow, NewAudit};
pub use clients::{ClientDetails, ClientFlag, ClientRow};
pub use events::{ClassificationId, CommandId, NewClassification, NewCommand, NewEvent};
pub use import::{ImportReport, ImportRow};
pub use invoices::{Attachment, InvoiceRow, NewInvoice, Original};
pub use messages::{FolderState, Location, MessageRow, NewMessage};
pub use outbox::{NewIntent, OutboxRow, Purpose};
pub use pipeline_queries::{EventReading, IndexInvoice, IndexRows, IndexStamp};
pub use sql::{Actor, ContactSource, Direction, EventTag, InvoiceSource, OutboxKind, OutboxState};

/// More than the distinct statements the store runs, so none is evicted.
const STATEMENT_CACHE: usize = 256;

/// How long a writer waits for another process's lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A failure of the store, with what it was doing.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot create the database directory '{}'", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot create the database file '{}'", path.display())]
    CreateFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open the database '{}'", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// The file system (or another process) kept SQLite out of WAL mode.
    #[error("cannot put the database '{}' in WAL mode (it stays in '{mode}')", path.display())]
    NotWal { path: PathBuf, mode: String },
    #[error("the database has schema version {found}, newer than this relance knows ({supported})")]
    SchemaTooNew { found: u32, supported: u32 },
    /// A query failed; `context` names the query and the record concerned.
    #[error("{context}")]
    Sql {
        context: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("no client with id {0}")]
    NoClient(ClientId),
    #[error("no invoice with id {0}")]
    NoInvoice(InvoiceId),
    #[error("no outbox entry with id {0}")]
    NoOutbox(OutboxId),
    #[error("the address '{address}' already belongs to client {owner}")]
    ContactTaken {
        address: EmailAddress,
        owner: ClientId,
    },
    #[error("outbox entry {id} is '{from}' and cannot become '{to}'")]
    Transition {
        id: OutboxId,
        from: OutboxState,
        to: OutboxState,
    },
    #[error("a new outbox entry starts planned or sending, not '{0}'")]
    IntentState(OutboxState),
    #[error("payment of {amount} on invoice {invoice} must be positive")]
    BadPayment {
        invoice: InvoiceId,
        amount: rust_decimal::Decimal,
    },
    #[error("line {line}: invoice '{number}' is already recorded with a different {field}")]
    ImportConflict {
        line: usize,
        number: InvoiceNumber,
        field: &'static str,
    },
}

/// The store's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Adds the query (and record) concerned to a rusqlite error.
pub(crate) trait Context<T> {
    fn ctx(self, what: &str) -> Result<T>;
    fn with_ctx(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Context<T> for rusqlite::Result<T> {
    fn ctx(self, what: &str) -> Result<T> {
        self.map_err(|source| Error::Sql {
            context: what.to_string(),
            source,
        })
    }

    fn with_ctx(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| Error::Sql {
            context: what(),
            source,
        })
    }
}

/// Whether a write created its record or found it already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded<Id> {
    pub id: Id,
    /// False when an equal record existed: the id is the existing one.
    pub new: bool,
}

/// The relance database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating it, mode 0600, and its directory if missing) and
    /// migrates the database at `path`. An existing file keeps its mode.
    pub fn open(path: &Path) -> Result<Store> {
        create_private_file(path)?;
        let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
            .map_err(|source| Error::Open {
                path: path.to_path_buf(),
                source,
            })?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::NotWal {
                path: path.to_path_buf(),
                mode,
            });
        }
        Store::configure(conn)
    }

    /// A second connection to the database at `path`, already opened and
    /// migrated by [`Store::open`], that can only read. In WAL mode its
    /// reads never wait for the writer's transactions nor hold them up: the
    /// daemon plans on it while new mail is ingested on the main one.
    pub fn open_reader(path: &Path) -> Result<Store> {
        let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(Store { conn })
    }

    /// A throw-away database in memory (the demo, tests).
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory().map_err(|source| Error::Open {
            path: PathBuf::from(":memory:"),
            source,
        })?;
        Store::configure(conn)
    }

    fn configure(mut conn: Connection) -> Result<Store> {
        // Every statement the store runs is cached: ingesting one message
        // runs a few dozen distinct ones, and re-parsing them was a tenth of
        // the first sync of a large mailbox.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        conn.pragma_update(None, "synchronous", "NORMAL")
            .ctx("set synchronous=NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .ctx("enable foreign keys")?;
        // Savepoints (a record saved inside a chunk's transaction) journal
        // the pages they touch; on disk that was a twentieth of a first
        // sync spent writing a temporary file nobody reads back.
        conn.pragma_update(None, "temp_store", "MEMORY")
            .ctx("set temp_store=MEMORY")?;
        schema::migrate(&mut conn)?;
        Ok(Store { conn })
    }

    /// Hands the connection's page cache back (up to 2 MiB, the default
    /// size): a daemon at rest may sleep for hours, and the next cycle
    /// reads the pages it needs from the system's file cache again.
    pub fn release_memory(&self) -> Result<()> {
        self.conn
            .execute_batch("PRAGMA shrink_memory")
            .ctx("release the page cache")
    }

    /// Runs `f` so that all its writes happen or none does. Nests: inside
    /// another transaction it becomes a savepoint.
    pub fn transaction<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        // IMMEDIATE takes the write lock up front: a deferred transaction that
        // reads then writes can fail with SQLITE_BUSY despite the timeout.
        self.atomic("BEGIN IMMEDIATE", f)
    }

    /// Runs the reads of `f` on one consistent snapshot without taking the
    /// write lock (WAL readers never block the daemon's writes).
    pub(crate) fn snapshot<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        self.atomic("BEGIN DEFERRED", f)
    }

    /// [`Store::transaction`] for work whose errors are wider than the
    /// store's (the pipeline's, composing inside the transaction).
    pub fn transaction_of<T, E: From<Error>>(
        &self,
        f: impl FnOnce(&Store) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.atomic("BEGIN IMMEDIATE", f)
    }

    fn atomic<T, E: From<Error>>(
        &self,
        begin: &str,
        f: impl FnOnce(&Store) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let (begin, commit, rollback) = if self.conn.is_autocommit() {
            (begin, "COMMIT", "ROLLBACK")
        } else {
            (
                "SAVEPOINT relance",
                "RELEASE relance",
                "ROLLBACK TO relance; RELEASE relance",
            )
        };
        self.exec(begin, []).ctx("begin a transaction")?;
        let mut guard = Rollback {
            conn: &self.conn,
            sql: Some(rollback),
        };
        let value = f(self)?;
        self.exec(commit, []).ctx("commit a transaction")?;
        guard.sql = None;
        Ok(value)
    }

    /// `Connection::execute` through the statement cache.
    fn exec(&self, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
        self.conn.prepare_cached(sql)?.execute(params)
    }

    /// `Connection::query_row` through the statement cache.
    fn query_one<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        self.conn.prepare_cached(sql)?.query_row(params, f)
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<u32> {
        schema::version(&self.conn)
    }

    /// The date relance first ran against this database, if recorded.
    pub fn first_run_date(&self) -> Result<Option<NaiveDate>> {
        self.conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'first_run_date'",
                [],
                |r| r.get::<_, NaiveDate>(0),
            )
            .optional()
            .ctx("read the first run date")
    }

    /// Records `today` as the first run date unless one is already recorded;
    /// returns the recorded date (the default `since` of SPEC §1).
    pub fn ensure_first_run_date(&self, today: NaiveDate) -> Result<NaiveDate> {
        self.conn
            .execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('first_run_date', ?1)",
                [today.to_string()],
            )
            .ctx("record the first run date")?;
        Ok(self.first_run_date()?.unwrap_or(today))
    }
}

/// Rolls the open transaction back unless disarmed, also on panic.
struct Rollback<'c> {
    conn: &'c Connection,
    sql: Option<&'static str>,
}

impl Drop for Rollback<'_> {
    fn drop(&mut self) {
        if let Some(sql) = self.sql {
            // Nothing better to do with a failed rollback: the connection
            // reports the open transaction on its next use.
            let _ = self.conn.execute_batch(sql);
        }
    }
}

/// A connection to the file at `path` with `access` (read-write or
/// read-only), waiting for other processes' locks up to [`BUSY_TIMEOUT`].
fn connect(path: &Path, access: OpenFlags) -> Result<Connection> {
    let flags = access | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let open_err = |source| Error::Open {
        path: path.to_path_buf(),
        source,
    };
    let conn = Connection::open_with_flags(path, flags).map_err(open_err)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
    Ok(conn)
}

/// Creates the database file with mode 0600 (and its directory, 0700) before
/// SQLite opens it, so the file is never readable by others, not even briefly.
fn create_private_file(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|source| Error::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
    }
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .map_err(|source| Error::CreateFile {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn creates_a_private_file_and_its_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/sub/relance.db");
        let store = Store::open(&path).unwrap();
        store
            .ensure_first_run_date(testutil::d("2026-01-05"))
            .unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // SQLite gives the WAL file the database file's mode.
        let wal = std::fs::metadata(path.with_extension("db-wal")).unwrap();
        assert_eq!(wal.permissions().mode() & 0o777, 0o600);
        let parent = std::fs::metadata(path.parent().unwrap()).unwrap();
        assert_eq!(parent.permissions().mode() & 0o777, 0o700);
    }

    #[test]
    fn the_reader_sees_commits_never_writes_and_holds_up_no_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("relance.db");
        let store = Store::open(&path).unwrap();
        let reader = Store::open_reader(&path).unwrap();
        assert_eq!(reader.first_run_date().unwrap(), None);
        store
            .ensure_first_run_date(testutil::d("2026-01-05"))
            .unwrap();
        assert_eq!(
            reader.first_run_date().unwrap(),
            Some(testutil::d("2026-01-05"))
        );
        let refused = reader.ensure_first_run_date(testutil::d("2026-02-01"));
        assert!(refused.is_err(), "a read-only connection wrote");
        // A long read on the reader and a write on the store at once.
        reader
            .snapshot(|r| {
                assert_eq!(r.first_run_date()?, Some(testutil::d("2026-01-05")));
                store
                    .exec(
                        "UPDATE meta SET value = '2026-03-01' WHERE key = 'first_run_date'",
                        [],
                    )
                    .ctx("move the first run date")?;
                assert_eq!(r.first_run_date()?, Some(testutil::d("2026-01-05")));
                Ok(())
            })
            .unwrap();
        assert_eq!(
            reader.first_run_date().unwrap(),
            Some(testutil::d("2026-03-01"))
        );
    }

    #[test]
    fn pragmas_are_set() {
        let (_dir, store) = testutil::store();
        let get = |name: &str| -> String {
            store
                .conn
                .pragma_query_value(None, name, |r| r.get::<_, rusqlite::types::Value>(0))
                .map(|v| format!("{v:?}"))
                .unwrap()
        };
        assert_eq!(get("journal_mode"), "Text(\"wal\")");
        assert_eq!(get("foreign_keys"), "Integer(1)");
        // NORMAL is 1.
        assert_eq!(get("synchronous"), "Integer(1)");
        assert_eq!(get("busy_timeout"), "Integer(10000)");
        assert_eq!(get("temp_store"), "Integer(2)");
    }

    #[test]
    fn a_released_page_cache_is_read_again() {
        let (_dir, store) = testutil::store();
        let client = testutil::client(&store, "a@a.fr");
        let used = |store: &Store| {
            let (mut current, mut highest) = (0, 0);
            // SAFETY: the handle is the store's open connection, alive for
            // the call; sqlite3_db_status only reads its counters.
            let rc = unsafe {
                rusqlite::ffi::sqlite3_db_status(
                    store.conn.handle(),
                    rusqlite::ffi::SQLITE_DBSTATUS_CACHE_USED,
                    &mut current,
                    &mut highest,
                    0,
                )
            };
            assert_eq!(rc, rusqlite::ffi::SQLITE_OK);
            current
        };
        let before = used(&store);
        store.release_memory().unwrap();
        let after = used(&store);
        assert!(after < before / 2, "{before} bytes cached, {after} after");
        assert_eq!(store.client(client).unwrap().id, client);
    }

    #[test]
    fn the_cli_reads_while_the_daemon_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("relance.db");
        let daemon = Store::open(&path).unwrap();
        testutil::client(&daemon, "a@a.fr");
        let cli = Store::open(&path).unwrap();
        daemon.conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        testutil::client(&daemon, "b@b.fr");
        let started = std::time::Instant::now();
        // The reader sees the last committed state, at once.
        assert_eq!(cli.load_all_cases().unwrap().len(), 1);
        assert!(started.elapsed() < BUSY_TIMEOUT / 2);
        daemon.conn.execute_batch("COMMIT").unwrap();
        assert_eq!(cli.load_all_cases().unwrap().len(), 2);
    }

    #[test]
    fn first_run_date_is_recorded_once() {
        let (_dir, store) = testutil::store();
        assert_eq!(store.first_run_date().unwrap(), None);
        let first = testutil::d("2026-01-05");
        assert_eq!(store.ensure_first_run_date(first).unwrap(), first);
        let later = testutil::d("2026-02-01");
        assert_eq!(store.ensure_first_run_date(later).unwrap(), first);
    }

    #[test]
    fn failed_transaction_leaves_nothing_and_nests() {
        let (_dir, store) = testutil::store();
        let addr = testutil::addr("a@client-a.fr");
        let result: Result<()> = store.transaction(|s| {
            s.upsert_client(&addr, "A", ContactSource::Cli)?;
            Err(Error::NoClient(ClientId(99)))
        });
        assert!(matches!(result, Err(Error::NoClient(_))));
        assert_eq!(store.find_client_by_address(&addr).unwrap(), None);

        store
            .transaction(|s| {
                s.upsert_client(&addr, "A", ContactSource::Cli)?;
                let inner: Result<()> = s.transaction(|s| {
                    s.upsert_client(&testutil::addr("b@b.fr"), "B", ContactSource::Cli)?;
                    Err(Error::NoClient(ClientId(1)))
                });
                assert!(inner.is_err());
                Ok(())
            })
            .unwrap();
        assert!(store.find_client_by_address(&addr).unwrap().is_some());
        let b = store.find_client_by_address(&testutil::addr("b@b.fr"));
        assert_eq!(b.unwrap(), None);
    }
}

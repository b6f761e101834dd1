//! Embedded, versioned migrations. The database's `PRAGMA user_version` is
//! the number of migrations applied; each runs in its own IMMEDIATE
//! transaction that re-reads the version, so a CLI and a daemon starting at
//! the same time never apply one twice. Migrations are only ever appended.

use rusqlite::{Connection, TransactionBehavior};

use super::{Context, Error, Result};

/// The migrations, in order; migration `i` brings the schema to `i + 1`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_dry_run_renders.sql"),
];

/// The schema version this build writes.
pub(crate) const LATEST: u32 = MIGRATIONS.len() as u32;

pub(crate) fn version(conn: &Connection) -> Result<u32> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
        .ctx("read the schema version")
}

/// Brings the schema up to [`LATEST`]; a no-op when it is there already.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    loop {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .ctx("begin a migration")?;
        let found = version(&tx)?;
        if found > LATEST {
            return Err(Error::SchemaTooNew {
                found,
                supported: LATEST,
            });
        }
        let Some(sql) = MIGRATIONS.get(found as usize) else {
            return Ok(());
        };
        let next = found + 1;
        tx.execute_batch(sql)
            .with_ctx(|| format!("apply migration {next}"))?;
        tx.pragma_update(None, "user_version", next)
            .with_ctx(|| format!("set the schema version to {next}"))?;
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?1)",
            [next.to_string()],
        )
        .ctx("record the schema version")?;
        tx.commit()
            .with_ctx(|| format!("commit migration {next}"))?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, testutil};

    #[test]
    fn open_migrate_reopen_keeps_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("relance.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), LATEST);
        let client = store
            .upsert_client(
                &testutil::addr("a@client-a.fr"),
                "A",
                crate::store::ContactSource::Cli,
            )
            .unwrap();
        drop(store);

        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), LATEST);
        let meta: String = store
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(meta, LATEST.to_string());
        let found = store.find_client_by_address(&testutil::addr("a@client-a.fr"));
        assert_eq!(found.unwrap(), Some(client.id));
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(version(&conn).unwrap(), LATEST);
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("relance.db");
        drop(Store::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", LATEST + 1)
            .unwrap();
        drop(conn);
        let err = Store::open(&path).unwrap_err();
        assert!(matches!(err, Error::SchemaTooNew { found, .. } if found == LATEST + 1));
    }
}

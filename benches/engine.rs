//! Engine and store at scale (issue 6, part 3): one full planning pass over
//! 100,000 open invoices of 20,000 clients, split into loading the cases and
//! deciding them, next to a reference that only reads the same rows.
//!
//! `cargo bench --bench engine` runs criterion. `RELANCE_BENCH_ONESHOT`
//! instead builds the store only (`build`), runs each measured function once
//! for callgrind (`measure`), or one planning pass as a process of its own,
//! the reference of bench/status.py (`pass`).

#[path = "engine/world.rs"]
mod world;

use std::hash::{Hash, Hasher};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode};
use rusqlite::{Connection, OpenFlags};

use relance::config::Config;
use relance::engine::{self, Case, Policy};
use relance::pipeline::Pipeline;
use relance::store::Store;

/// The queries `Store::load_all_cases` runs, reduced to reading every row
/// and column once: the least work any loader of this schema must do.
const REFERENCE_QUERIES: [&str; 5] = [
    "SELECT id, name FROM clients ORDER BY id",
    "SELECT client_id, address, billing, bounced FROM contacts ORDER BY client_id, billing DESC, id",
    "SELECT client_id, id, number, issue_date, due_date, amount, currency, paid, status, paused
     FROM invoices ORDER BY client_id, due_date, id",
    "SELECT client_id, id, at, kind, class, date, amount, from_addr, known_sender, failed_address,
        (SELECT group_concat(invoice_id, ' ') FROM event_invoices WHERE event_id = e.id)
     FROM events e WHERE retracted = 0 ORDER BY client_id, at, id",
    "SELECT client_id, COALESCE(sent_at, created_at) AS at, kind, step, action, promise_not_kept,
        alert, event_id, recipients,
        (SELECT group_concat(invoice_id, ' ') FROM outbox_invoices WHERE outbox_id = o.id)
     FROM outbox o WHERE kind IN ('step', 'task', 'alert', 'end')
       AND state IN ('sending', 'sent', 'appended')
     ORDER BY client_id, at, id",
];

/// The same tables read in storage order, without sorting or correlated
/// subqueries: the floor of reading the data at all.
const TABLE_SCANS: [&str; 7] = [
    "SELECT id, name FROM clients",
    "SELECT client_id, address, billing, bounced FROM contacts",
    "SELECT client_id, id, number, issue_date, due_date, amount, currency, paid, status, paused
     FROM invoices",
    "SELECT client_id, id, at, kind, class, date, amount, from_addr, known_sender, failed_address
     FROM events WHERE retracted = 0",
    "SELECT event_id, invoice_id FROM event_invoices",
    "SELECT client_id, COALESCE(sent_at, created_at), kind, step, action, promise_not_kept,
        alert, event_id, recipients FROM outbox",
    "SELECT outbox_id, invoice_id FROM outbox_invoices",
];

/// Reads every row and column of [`REFERENCE_QUERIES`]; returns the bytes seen.
#[inline(never)]
fn measured_reference(conn: &Connection) -> usize {
    read_all(conn, &REFERENCE_QUERIES)
}

/// Reads every row and column of [`TABLE_SCANS`]; returns the bytes seen.
#[inline(never)]
fn measured_table_scan(conn: &Connection) -> usize {
    read_all(conn, &TABLE_SCANS)
}

fn read_all(conn: &Connection, queries: &[&str]) -> usize {
    let mut bytes = 0;
    for sql in queries {
        let mut stmt = conn.prepare_cached(sql).expect("reference query");
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).expect("reference query");
        while let Some(row) = rows.next().expect("reference row") {
            for i in 0..columns {
                bytes += match row.get_ref(i).expect("reference column") {
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                        t.len()
                    }
                    _ => 8,
                };
            }
        }
    }
    bytes
}

#[inline(never)]
fn measured_load(store: &Store) -> Vec<Case> {
    store.load_all_cases().expect("load_all_cases")
}

/// `engine::decide` for every case; returns the number of due actions.
#[inline(never)]
fn measured_decide(cases: &[Case], policy: &Policy) -> usize {
    let now = world::now();
    cases
        .iter()
        .map(|case| engine::decide(case, policy, now).actions.len())
        .sum()
}

#[inline(never)]
fn measured_planning_pass(store: &Store, policy: &Policy) -> usize {
    measured_decide(&measured_load(store), policy)
}

/// What the daemon runs: `Pipeline::plan` (client flags, per-client
/// policies, rate limit; decides on every core).
#[inline(never)]
fn measured_pipeline_plan(pipeline: &Pipeline, store: &Store) -> usize {
    pipeline
        .plan(store, world::now())
        .expect("pipeline plan")
        .due
        .len()
}

/// Opened as the store opens its own (no per-call mutex), read-only.
fn read_only(path: &Path) -> Connection {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    Connection::open_with_flags(path, flags).expect("open read-only")
}

/// The database to measure: `RELANCE_BENCH_DB` when set (built there on
/// first use, reused after), else a fresh one in a temporary directory.
fn database() -> (Option<tempfile::TempDir>, PathBuf) {
    match std::env::var_os("RELANCE_BENCH_DB") {
        Some(path) => {
            let path = PathBuf::from(path);
            if !path.exists() {
                build(&path);
            }
            (None, path)
        }
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("relance.db");
            build(&path);
            (Some(dir), path)
        }
    }
}

fn build(path: &Path) {
    let started = Instant::now();
    let store = Store::open(path).expect("open the bench database");
    let counts = world::build(&store, world::Scale::FULL, 6).expect("build the bench world");
    eprintln!(
        "engine bench: built {counts:?} in {:.1}s at {}",
        started.elapsed().as_secs_f64(),
        path.display()
    );
}

fn criterion_benches(c: &mut Criterion, path: &Path) {
    let store = Store::open(path).expect("open the bench database");
    let conn = read_only(path);
    let policy = Policy::default_fr();
    let cases = measured_load(&store);
    eprintln!(
        "engine bench: {} cases, {} due actions at {}",
        cases.len(),
        measured_decide(&cases, &policy),
        world::now()
    );
    let mut group = c.benchmark_group("planning_100k");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(12));
    group.bench_function("reference_table_scan", |b| {
        b.iter(|| black_box(measured_table_scan(&conn)))
    });
    group.bench_function("reference_read_rows", |b| {
        b.iter(|| black_box(measured_reference(&conn)))
    });
    group.bench_function("load_all_cases", |b| {
        b.iter(|| black_box(measured_load(&store)))
    });
    group.bench_function("decide_all", |b| {
        b.iter(|| black_box(measured_decide(&cases, &policy)))
    });
    group.bench_function("planning_pass", |b| {
        b.iter(|| black_box(measured_planning_pass(&store, &policy)))
    });
    let pipeline = Pipeline::new(Config::default_for_tools()).expect("pipeline");
    group.bench_function("pipeline_plan", |b| {
        b.iter(|| black_box(measured_pipeline_plan(&pipeline, &store)))
    });
    group.finish();
}

/// One pass of each measured function, for callgrind (`--toggle-collect`).
fn oneshot(path: &Path) {
    let store = Store::open(path).expect("open the bench database");
    let conn = read_only(path);
    let policy = Policy::default_fr();
    let scanned = black_box(measured_table_scan(&conn));
    let bytes = black_box(measured_reference(&conn));
    let cases = black_box(measured_load(&store));
    let due = black_box(measured_decide(&cases, &policy));
    // A digest of every case, to check that a change to the store's loading
    // returns the same cases (in the same order) as before it.
    let mut digest = std::hash::DefaultHasher::new();
    format!("{cases:?}").hash(&mut digest);
    eprintln!(
        "engine bench: scanned {scanned} bytes, read {bytes} bytes, {} cases, {due} due actions, \
         cases digest {:016x}",
        cases.len(),
        digest.finish()
    );
}

fn main() {
    let mode = std::env::var("RELANCE_BENCH_ONESHOT").unwrap_or_default();
    let (_dir, path) = database();
    match mode.as_str() {
        "build" => {}
        "measure" => oneshot(&path),
        "pass" => {
            let store = Store::open(&path).expect("open the bench database");
            let due = measured_planning_pass(&store, &Policy::default_fr());
            eprintln!("engine bench: one planning pass, {due} due actions");
        }
        _ => {
            let mut c = Criterion::default().configure_from_args();
            criterion_benches(&mut c, &path);
            c.final_summary();
        }
    }
}

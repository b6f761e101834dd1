-- What a dry run has already rendered and logged, per client and action, so
-- that running it again (`run --once` from cron) reports what is new rather
-- than rendering the whole plan, and its outbox and audit log do not grow
-- by the whole plan at every run.
CREATE TABLE dry_run_renders (
    client_id   INTEGER NOT NULL REFERENCES clients(id),
    action      TEXT NOT NULL,
    rendered_at TEXT NOT NULL,
    PRIMARY KEY (client_id, action)
) STRICT, WITHOUT ROWID;

//! The SQLite store: schema, migrations and typed queries.

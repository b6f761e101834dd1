//! relance chases unpaid invoices from the user's own mailbox.
//!
//! Layout:
//! - [`domain`]: ids, money, steps, reply classes, case states;
//! - [`calendar`]: business days, holidays, the sending window (pure);
//! - [`clock`]: the only reader of the wall clock;
//! - [`config`]: TOML -> validated configuration;
//! - [`engine`]: the pure sequence engine (`decide`);
//! - [`pipeline`]: ingest, plan and prepare over the store (sync, no network);
//! - [`detect`]: is this sent mail an invoice? (pure);
//! - [`threading`]: which invoices and client a message is about (pure);
//! - [`classify`]: what does this reply say? (pure);
//! - [`compose`]: templates and threaded reminder messages (pure);
//! - [`store`]: SQLite state, the outbox and the audit log;
//! - [`mailbox`]: IMAP and SMTP adapters, no rules;
//! - [`daemon`]: the tokio tasks that tie everything together;
//! - [`demo`]: the offline replay of a sample mailbox (`relance demo`);
//! - [`cli`]: the command line.

pub mod calendar;
pub mod classify;
pub mod cli;
pub mod clock;
pub mod compose;
pub mod config;
pub mod daemon;
pub mod demo;
pub mod detect;
pub mod domain;
pub mod engine;
pub mod mailbox;
pub mod pipeline;
pub mod store;
pub mod threading;

//! `relance demo`: the whole pipeline on a built-in sample mailbox (French
//! and English invoices, replies that pay, promise, dispute, an
//! out-of-office reply, a bounce, the user's own replies) with a simulated
//! clock over about two months, no network. Every outgoing message is
//! written as a `.eml` file; the story comes back as a [`Report`].

mod claire;
mod config;
mod mailbox;
mod run;
mod story;
mod timeline;

pub use run::run;
pub use timeline::{Arrow, ClientSummary, Entry, Report};

//! relance placeholder
pub mod mailbox;

//! End-to-end checks on whole messages.

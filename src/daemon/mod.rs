//! The daemon: watcher, scheduler and outbox tasks.

//! Placeholder replaced below once the corpus exists.
fn main() {}

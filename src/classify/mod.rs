//! Reply understanding: class, date, amount and evidence.

//! Reply understanding: class, date, amount and evidence.

pub mod dates;
pub mod norm;
pub mod quote;
pub mod text;

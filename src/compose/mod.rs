//! Message composition: templates, threaded RFC 5322 reminders, user-facing
//! messages, late-payment penalties and the formal-notice PDF.
//!
//! Pure: no IO and no clock; `now`, the template sources and the attachment
//! bytes are all passed in, and the result is bytes for the daemon to send.

pub mod format;
pub mod penalties;

//! Message composition: templates and threaded RFC 5322 reminders.

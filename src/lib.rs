//! relance placeholder

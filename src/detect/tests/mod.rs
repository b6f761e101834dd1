//! Tests of detection: default patterns, whole messages and fixtures.

mod fixtures;
mod fuzz;
mod patterns;

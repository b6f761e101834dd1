#!/usr/bin/env bash
# The whole test suite, as README.md documents it: installs what the tests
# need (Dovecot and Postfix from Debian, Python's email package is in the
# standard library), then formatting, lints and every test.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked

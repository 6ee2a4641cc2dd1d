#!/usr/bin/env bash
# Formatting, lints, and every Rust test of the workspace (unit, integration, fixture sites).
# All three run even when one fails; the step fails if any did.
set -uo pipefail
status=0
cargo fmt --all -- --check || { echo "cargo fmt: unformatted code (run cargo fmt --all)"; status=1; }
cargo clippy --workspace --all-targets --locked -- -D warnings || status=1
cargo test --workspace --locked || status=1
exit "$status"

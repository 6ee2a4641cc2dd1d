#!/usr/bin/env bash
# Formatting, lints, and every Rust test of the workspace (unit, integration, fixture sites).
# The lints come with the build of the tests (tests/steps/lib/cargo.sh): every warning of the
# workspace's crates, clippy's or rustc's, fails the step, as `-D warnings` would, but the tests
# still run. All three run even when one fails; the step fails if any did.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
source tests/steps/lib/cargo.sh
status=0
cargo fmt --all -- --check || { echo "cargo fmt: unformatted code (run cargo fmt --all)"; status=1; }
build=$(mktemp)
trap 'rm -f "$build"' EXIT
# The binaries first (lib/cargo.sh), for the steps beside this one; then the test targets.
{ build_binaries && cargo test --workspace --locked --no-run; } 2>&1 | tee "$build" || status=1
if has_warnings "$build"; then
  echo "clippy: the warnings above fail this step (cargo clippy --workspace --all-targets shows them)"
  status=1
fi
cargo test --workspace --locked || status=1
exit "$status"

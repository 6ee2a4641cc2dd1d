# shellcheck shell=bash
# What every step's cargo commands share (sourced by tests/all.sh and each step). The workspace's
# own crates are compiled by clippy-driver, which is rustc with clippy's lints: the debug build
# of 10-rust.sh is then also its lint check (its warnings fail that step, as `cargo clippy
# --all-targets -- -D warnings` did), without a second, check-only build of every dependency.
# Every step builds with the same wrapper, so that what 10-rust.sh built is not built again; the
# release Lambda of 22-form-fn-lambda.sh is built without it, as it is deployed.
export RUSTC_WORKSPACE_WRAPPER=clippy-driver

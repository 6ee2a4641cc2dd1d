# shellcheck shell=bash
# What every step's cargo commands share (sourced by tests/all.sh and each step). The workspace's
# own crates are compiled by clippy-driver, which is rustc with clippy's lints: the debug build
# of 10-rust.sh is then also its lint check (its warnings fail that step, as `cargo clippy
# --all-targets -- -D warnings` did), without a second, check-only build of every dependency.
# Every step builds with the same wrapper, so that what 10-rust.sh built is not built again.
export RUSTC_WORKSPACE_WRAPPER=clippy-driver

# The workspace's binaries (site-gen, form-fn, form-fn-admin, form-fn-notifier) in target/debug,
# as `cargo test --workspace` builds them for the tests that run them: `--examples` (there are
# none) makes cargo choose the dependencies' features as for the tests, so both share every
# compiled dependency. 10-rust.sh builds them first, and the steps that only run the binaries
# (40-infra.sh, 50-browser.sh) start as soon as they are built, while the test targets compile.
build_binaries() {
  cargo build --workspace --locked --bins --examples "$@"
}

# Whether cargo's output in file $1 reports warnings of the workspace's crates: cargo sums up each
# target's warnings on one line, replayed when the target was already built.
has_warnings() {
  grep -E '^warning: `[^`]+` \(.*\) generated [0-9]+ warnings?' "$1" >/dev/null
}

# Lowers the priority of the calling (sub)shell, and of all it starts, below the debug build's,
# which the tests of every step wait for: a step's set-up (apt, Python packages, npm, the linters) then runs
# in the build's gaps rather than slowing it. Call it first thing in a subshell: ( behind_the_build; … ).
behind_the_build() {
  renice -n 10 -p "$BASHPID" >/dev/null
}

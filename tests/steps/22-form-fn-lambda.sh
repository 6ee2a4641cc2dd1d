#!/usr/bin/env bash
# The release Lambda binary of the form service, built as it is deployed (without the embedded
# local store), checked to contain no dynoxide, then run under a Lambda runtime API emulator fed
# with API Gateway HTTP API (payload 2.0) events (form-fn/tests/lambda.rs).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/steps/lib/cargo.sh
root=$(pwd)
target="${CARGO_TARGET_DIR:-$root/target}"

if cargo tree --locked -p form-fn --no-default-features -e normal --prefix none | grep -q '^dynoxide'; then
  echo "the Lambda build of form-fn depends on dynoxide; it must not"
  exit 1
fi
# As it is deployed: the `lambda` profile (Cargo.toml: the release profile with fat LTO and one
# codegen unit), compiled by rustc, not clippy-driver (lib/cargo.sh). At the lowest priority
# (nice): the other steps run beside this one, and their tests wait on the debug build or have
# time limits, while nothing waits on this build but the test below.
env -u RUSTC_WORKSPACE_WRAPPER nice -n 19 cargo build --locked --profile lambda -p form-fn --no-default-features --bin form-fn
ls -l "$target/lambda/form-fn"
# `--workspace`, as in 10-rust.sh, so that the test is the one built there, not built again.
FORM_FN_LAMBDA_BIN="$target/lambda/form-fn" \
  cargo test --workspace --locked --test lambda -- --ignored

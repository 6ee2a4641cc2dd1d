# shellcheck shell=bash
# What the scripts of .ci/ share (sourced, not run).
# shellcheck disable=SC2034 # used by the scripts that source this
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO

# site-gen: the binary in SITE_GEN_BIN, else built from this checkout.
site_gen() {
  if [ -n "${SITE_GEN_BIN:-}" ]; then
    "$SITE_GEN_BIN" "$@"
  else
    cargo run --release --locked -q -p site-gen -- "$@"
  fi
}

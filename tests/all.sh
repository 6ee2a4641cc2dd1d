#!/usr/bin/env bash
# The one test command (see README): installs what the tests need on a fresh machine, then runs
# every step in tests/steps/ in order. Every step runs even when an earlier one failed; the exit
# status is decided at the end, and the last line says how many steps passed and failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
passed=0
failed=0
failed_steps=()
for step in tests/steps/*.sh; do
  [ -n "${ONLY:-}" ] && [[ "$step" != *"$ONLY"* ]] && continue
  echo "::: $step"
  start=$(date +%s)
  if bash "$step"; then
    passed=$((passed + 1))
    echo "::: $step passed in $(( $(date +%s) - start ))s"
  else
    failed=$((failed + 1))
    failed_steps+=("$step")
    echo "::: $step FAILED in $(( $(date +%s) - start ))s"
  fi
done
[ "$failed" -gt 0 ] && printf 'failed: %s\n' "${failed_steps[@]}"
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# The one test command (see README): installs what the tests need on a fresh machine, then runs
# every step in tests/steps/. The steps run side by side, each with its output kept in a file and
# printed whole, in the steps' order, once it has ended: while one step compiles, another waits on
# the network (pip, npm) or on a test server. They build the same debug build (lib/cargo.sh), and
# cargo's lock on the build folder makes the first one to ask build each part while the others
# wait for it: what 10-rust.sh builds, no other step builds again. Every step runs even when
# another one failed; the exit status is decided at the end, and the last line says how many
# steps passed and failed. Each step's line says its wall time and the processor time (user +
# system) it and its children took.
#
# ONLY=50-browser runs the steps whose file name contains it; ONE_AT_A_TIME=1 runs the steps one
# after the other, their output as it comes.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

steps=()
for step in tests/steps/*.sh; do
  [ -n "${ONLY:-}" ] && [[ "$step" != *"$ONLY"* ]] && continue
  steps+=("$step")
done

logs=$(mktemp -d)
pids=()
background=()
# Each step started side by side is a process group of its own (set -m below): stopping the
# command (Ctrl-C, or a failure of this script) stops every step with all it started (cargo,
# servers, browsers), not only the step's shell.
cleanup() {
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$logs"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Runs step $1, its output to stdout, and writes how it ended to file $2: its exit status, wall
# time and processor time (user + system, its children's included), in seconds.
run() {
  local TIMEFORMAT='%R %U %S' status=0 wall user system
  { time bash "$1" 2>&3 || status=$?; } 3>&2 2>"$2.time"
  read -r wall user system <"$2.time"
  echo "$status $wall $(awk "BEGIN { print $user + $system }")" >"$2"
}
# Prints step $1's output file, each line over 2,000 bytes cut to its start: when linking fails,
# rustc prints the linker's whole command line (tens of kilobytes) before the linker's own message,
# which a reader, or a log viewer that shows a part, would otherwise miss.
print_log() {
  LC_ALL=C awk '{ if (length($0) > 2000) print substr($0, 1, 2000) " [... " length($0) - 2000 " bytes cut]"; else print }' "$1"
}
# Prints how step $1 ended (file $2 written by run), and counts it.
passed=0
failed=0
failed_steps=()
report() {
  local status wall cpu result=passed
  read -r status wall cpu <"$2"
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failed_steps+=("$1")
    result=FAILED
  fi
  printf '::: %s %s in %.0fs (processor time %.0fs)\n' "$1" "$result" "$wall" "$cpu"
}

# Free space on the build's disk, said at the start and the end: a build that fills the disk fails
# in the linker, whose message (after a command line of several kilobytes) is easy to miss. A
# whole run on a fresh clone writes about 4 GiB into it (the debug build, the Python and npm
# packages), besides the cargo registry and Debian's packages.
disk_free_kib() {
  df -Pk . | awk 'NR == 2 { print $4 }'
}
disk_free() {
  awk -v kib="$(disk_free_kib)" 'BEGIN { printf "%.1f GiB free on the build disk", kib / 1048576 }'
}

echo "::: load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) processors, $(disk_free)"
if [ "$(disk_free_kib)" -lt $((5 * 1048576)) ]; then
  echo "::: warning: less than 5 GiB free; the build may fail in the linker (No space left on device)"
fi
for i in "${!steps[@]}"; do
  step=${steps[$i]}
  if [ -n "${ONE_AT_A_TIME:-}" ] || [ "${#steps[@]}" -eq 1 ]; then
    echo "::: $step"
    run "$step" "$logs/$i.end"
    report "$step" "$logs/$i.end"
  else
    set -m
    run "$step" "$logs/$i.end" >"$logs/$i.log" 2>&1 &
    set +m
    pids[i]=$!
    background+=("$i")
    echo "::: $step started"
  fi
done
# The steps started side by side, in their order: each one's output once it has ended.
for i in "${background[@]}"; do
  wait "${pids[i]}"
  echo "::: ${steps[$i]}"
  print_log "$logs/$i.log"
  report "${steps[$i]}" "$logs/$i.end"
done
echo "::: load average $(cut -d' ' -f1-3 /proc/loadavg), $(disk_free)"
[ "$failed" -gt 0 ] && printf 'failed: %s\n' "${failed_steps[@]}"
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

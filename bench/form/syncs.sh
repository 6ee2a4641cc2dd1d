#!/usr/bin/env bash
# How often the local server's embedded store syncs its file to the disk, and for how long, under
# load: starts BINARY (a local build of form-fn) on a fresh store in WORK, traces its fsync and
# fdatasync calls with strace while wrk sends CONCURRENCY clients' submissions for SECONDS, then
# prints the load's figures and the syncs' count, median, p95, slowest and total time.
# Usage: bash bench/form/syncs.sh BINARY WORK [SECONDS] [CONCURRENCY]   (needs strace and wrk)
set -u
cd "$(dirname "$0")/../.."
bin=$1 work=$2 seconds=${3:-10} concurrency=${4:-10}
rm -rf "$work" && mkdir -p "$work"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PORT=$port FORMS_DATA_FILE="$work/forms.sqlite" FORMS_SUBMISSIONS_PER_CLIENT=1000000000 \
  FORMS_OUTBOX_DIR="$work/outbox" "$bin" --port "$port" > "$work/log" 2>&1 &
pid=$!
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/api/health" > /dev/null && break; sleep 0.1; done
strace -f -T -e trace=fsync,fdatasync -p "$pid" -o "$work/strace" 2> /dev/null &
tracer=$!
sleep 1
python3 - "$port" "$seconds" "$concurrency" <<'PY'
import json, sys
sys.path.insert(0, "bench/form")
from load import run_wrk
from p99 import FIELDS
port, seconds, c = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
fig = run_wrk(f"http://127.0.0.1:{port}", "feedback", FIELDS, c, seconds, 2)
print(f"{fig['requests']} requests, {fig['rps']:.0f}/s, p50 {fig['p50_us'] / 1000:.1f} ms, "
      f"p99 {fig['p99_us'] / 1000:.1f} ms, max {fig['max_us'] / 1000:.1f} ms, errors {fig['errors']}, "
      f"load {fig['loadavg_end']}")
PY
kill "$tracer"; sleep 0.5; kill "$pid"; wait "$pid" 2> /dev/null
python3 - "$work/strace" <<'PY'
import re, statistics, sys
d = sorted(float(m.group(1)) * 1000 for line in open(sys.argv[1])
           if "sync(" in line for m in [re.search(r"<([\d.]+)>$", line.strip())] if m)
if d:
    print(f"syncs: {len(d)}, median {statistics.median(d):.1f} ms, p95 {d[int(len(d) * 0.95)]:.1f} ms, "
          f"slowest {d[-1]:.1f} ms, in all {sum(d):.0f} ms")
else:
    print("syncs: none")
PY

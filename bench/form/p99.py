#!/usr/bin/env python3
"""Tail latency of the local server, builds side by side: rounds of wrk runs, one per build.

Each build (`--binary LABEL=PATH`, given once per build) is run `--rounds` times, the builds
alternating within a round and their order swapped every round, so that the load other work puts
on a shared machine falls on all of them alike. Every run starts the server on a fresh store
(a new SQLite file and outbox folder under `--work`), sends one submission by hand, then runs wrk
at `--concurrency` connections for `--duration` seconds. Prints, per build, the median over the
rounds of p50, p95, p99, max and requests/s, with the spread of p99, and writes every run to
`--json`.

    python3 bench/form/p99.py --binary before=/tmp/form-fn-main --binary after=target/release/form-fn \\
        --rounds 5 --duration 10 --concurrency 10 --work /tmp/p99-work --json /tmp/p99.json
"""

import argparse
import json
import os
import shutil
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load import check_one, run_wrk, start_local, stop, vm  # noqa: E402

# The submission bench/form/run sends: a valid feedback, every "{n}" unique per request.
FIELDS = {
    "kind": "complaint",
    "phone": "0501234567",
    "message": "تأخر الرد على طلبي رقم {n} أكثر من أسبوعين، وأرجو متابعته.",
    "idempotency_key": "bench-{n}",
}


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", action="append", required=True, help="LABEL=PATH of a local build")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--concurrency", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--form", default="feedback")
    ap.add_argument("--work", required=True, help="a folder for the stores (emptied first)")
    ap.add_argument("--json", required=True)
    args = ap.parse_args()
    builds = [b.split("=", 1) for b in args.binary]
    shutil.rmtree(args.work, ignore_errors=True)
    runs = []
    for rnd in range(args.rounds):
        order = builds if rnd % 2 == 0 else list(reversed(builds))
        for label, path in order:
            store = os.path.join(args.work, f"{label}-{rnd}", "forms.sqlite")
            os.makedirs(os.path.dirname(store))
            start_load = loadavg()
            proc, base, log = start_local(path, store)
            try:
                check_one(base, args.form, FIELDS)
                fig = run_wrk(base, args.form, FIELDS, args.concurrency, args.duration, args.threads)
                fig["peak_rss_kib"] = vm(proc.pid, "VmHWM")
            finally:
                stop(proc, log)
            fig.update(build=label, round=rnd, loadavg_start=start_load)
            runs.append(fig)
            print(f"round {rnd} {label}: {fig['rps']:.0f} req/s, p50 {fig['p50_us'] / 1000:.1f} ms, "
                  f"p95 {fig['p95_us'] / 1000:.1f} ms, p99 {fig['p99_us'] / 1000:.1f} ms, "
                  f"max {fig['max_us'] / 1000:.1f} ms, errors {fig['errors']}, load {fig['loadavg_end']}",
                  file=sys.stderr)
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump({"concurrency": args.concurrency, "duration_s": args.duration, "runs": runs}, f, indent=2)

    print(f"| build | runs | submissions/s | p50 | p95 | p99 (median; lowest–highest) | max | errors |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, _ in builds:
        mine = [r for r in runs if r["build"] == label]
        med = lambda k: statistics.median(r[k] for r in mine)  # noqa: E731
        p99s = [r["p99_us"] / 1000 for r in mine]
        print(f"| {label} | {len(mine)} | {med('rps'):,.0f} | {med('p50_us') / 1000:.1f} ms "
              f"| {med('p95_us') / 1000:.1f} ms | {statistics.median(p99s):.1f} ms "
              f"({min(p99s):.1f}–{max(p99s):.1f}) | {med('max_us') / 1000:.1f} ms "
              f"| {sum(r['errors'] for r in mine)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

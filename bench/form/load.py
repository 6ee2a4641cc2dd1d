#!/usr/bin/env python3
"""Throughput and latency of submissions on the local HTTP server (form-fn with its embedded store).

Starts the local `form-fn` binary (its site is embedded when built) on a free loopback port, checks one submission is answered as
received, then runs wrk (bench/form/submit.lua) at each concurrency for a fixed duration, every
request a different submission. Records requests/s, p50/p90/p99 latency, errors, and the server's
peak resident memory (VmHWM) after all the load.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vm(pid: int, key: str) -> int | None:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def start_local(binary: str, data_file: str) -> tuple[subprocess.Popen, str, object]:
    """Starts the local service on a free port and waits until it is healthy. Every request comes
    from this machine's one address, so the limit of submissions per client is lifted (the count
    is still reserved on every submission, as in service); the outbox's e-mails are written beside
    the store's file."""
    port = free_port()
    env = dict(os.environ, PORT=str(port), FORMS_DATA_FILE=data_file,
               FORMS_SUBMISSIONS_PER_CLIENT="1000000000",
               FORMS_OUTBOX_DIR=os.path.join(os.path.dirname(os.path.abspath(data_file)), "outbox"))
    log_path = data_file + ".log"
    log = open(log_path, "wb")  # the service's log: a file, so that a full pipe never stalls it
    proc = subprocess.Popen([binary, "--port", str(port)], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base, log
        except (urllib.error.URLError, ConnectionError):
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            with open(log_path, encoding="utf-8", errors="replace") as f:
                sys.exit(f"form-fn did not become healthy on {base}:\n{f.read()[-2000:]}")
        time.sleep(0.05)


def run_wrk(base: str, form: str, fields: dict, concurrency: int, duration: int, threads: int) -> dict:
    """wrk at `concurrency` connections for `duration` seconds, every request a different valid
    submission; its figures, with requests/s, the errors and the load average at the end."""
    # wrk's body template: urlencode around the {n} placeholders, which must survive as-is.
    template = urllib.parse.urlencode(fields).replace("%7Bn%7D", "{n}")
    out = subprocess.run(
        ["wrk", "-t", str(max(1, min(threads, concurrency))), "-c", str(concurrency),
         "-d", f"{duration}s", "--timeout", "10s", "-s", os.path.join(HERE, "submit.lua"), base],
        env=dict(os.environ, BENCH_PATH=f"/api/forms/{form}", BENCH_BODY=template,
                 BENCH_RUN=f"{time.time_ns()}"),
        capture_output=True, text=True, check=True,
    ).stdout
    line = [ln for ln in out.splitlines() if ln.startswith("{")][-1]
    fig = json.loads(line)
    fig["concurrency"] = concurrency
    fig["rps"] = fig["requests"] / (fig["duration_us"] / 1e6)
    fig["errors"] = sum(fig[k] for k in fig if k.startswith("errors_"))
    with open("/proc/loadavg") as f:
        fig["loadavg_end"] = " ".join(f.read().split()[:3])
    return fig


def check_one(base: str, form: str, fields: dict) -> None:
    """One submission by hand: it must be answered as received, or the figures mean nothing."""
    body = urllib.parse.urlencode({k: v.replace("{n}", "check") for k, v in fields.items()}).encode()
    req = urllib.request.Request(f"{base}/api/forms/{form}", data=body, method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded",
                                          "Accept": "text/html"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            status = r.status
    except urllib.error.HTTPError as e:
        sys.exit(f"a valid submission was answered {e.code}: {e.read()[:500]!r}")
    if not 200 <= status < 400:
        sys.exit(f"a valid submission was answered {status}")


def stop(proc: subprocess.Popen, log) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True, help="the release local build of form-fn")
    ap.add_argument("--form", default="feedback")
    ap.add_argument("--fields", required=True, help="the submission, as a JSON object of strings")
    ap.add_argument("--concurrency", default="1,10,50")
    ap.add_argument("--duration", type=int, default=10, help="seconds of load at each concurrency")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads (at most the concurrency)")
    ap.add_argument("--data-file", required=True, help="the embedded store's file (FORMS_DATA_FILE)")
    ap.add_argument("--json", required=True)
    args = ap.parse_args()
    fields = json.loads(args.fields)

    proc, base, log = start_local(args.binary, args.data_file)
    try:
        rss_idle = vm(proc.pid, "VmRSS")

        check_one(base, args.form, fields)
        levels = []
        for c in [int(x) for x in args.concurrency.split(",") if x.strip()]:
            fig = run_wrk(base, args.form, fields, c, args.duration, args.threads)
            levels.append(fig)
            print(f"  c={c}: {fig['rps']:.0f} req/s, p50 {fig['p50_us'] / 1000:.2f} ms, "
                  f"p99 {fig['p99_us'] / 1000:.2f} ms, errors {fig['errors']}", file=sys.stderr)
        result = {
            "duration_s": args.duration,
            "levels": levels,
            "rss_idle_kib": rss_idle,
            "peak_rss_kib": vm(proc.pid, "VmHWM"),
        }
    finally:
        stop(proc, log)
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

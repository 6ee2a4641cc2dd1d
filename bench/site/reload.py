#!/usr/bin/env python3
"""Time from saving one Markdown file to the rebuilt page being served by `site-gen serve`.

Copies the site folder, adds one generic page to the copy, starts `site-gen serve` on it, then
edits that page `--edits` times: each edit writes a new marker into the file and polls the page
over HTTP (every 2 ms) until the marker is served. Records the median and the worst.

Every other edit is saved as a text editor saves (Vim's way: a probe file made and removed, the
page renamed to a backup, the new page written, the backup removed: a burst of events on three
paths within a millisecond or two); the others rewrite the file in place. The number of rebuilds
`serve` reports after each save shows whether its debounce makes one rebuild of the burst.
"""

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

PAGE = """\
---
title: صفحة قياس إعادة البناء
description: صفحة تعدَّل أثناء القياس
---
## المحتوى

علامة القياس: {marker}

- بند أول.
- بند ثانٍ.
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().decode("utf-8", "replace")
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError):
        # HTTPException: a page cut short as the served folder is swapped; asked again.
        return None


def wait_for(url: str, marker: str, timeout: float, proc: subprocess.Popen) -> float:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        body = fetch(url)
        if body is not None and marker in body:
            return time.perf_counter()
        if proc.poll() is not None:
            sys.exit(f"site-gen serve stopped:\n{proc.stderr.read().decode('utf-8', 'replace')[-2000:]}")
        time.sleep(0.002)
    sys.exit(f"{url} did not show {marker!r} within {timeout} s")


def save(page: str, text: str, editor: bool) -> None:
    """Writes `text` to `page` in place, or as Vim saves a file when `editor`."""
    if not editor:
        with open(page, "w", encoding="utf-8") as f:
            f.write(text)
        return
    folder = os.path.dirname(page)
    probe = os.path.join(folder, "4913")
    open(probe, "w").close()
    os.remove(probe)
    backup = page + "~"
    os.rename(page, backup)
    with open(page, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.remove(backup)


def rebuilds(log: str) -> int:
    with open(log, encoding="utf-8", errors="replace") as f:
        return sum(1 for line in f if line.startswith("rebuilt:") or line.startswith("not rebuilt"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site-gen", required=True)
    ap.add_argument("--site", required=True, help="the site folder to copy (the default site)")
    ap.add_argument("--templates", required=True, help="the templates folder")
    ap.add_argument("--work", required=True)
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--json", required=True)
    args = ap.parse_args()

    site = os.path.join(args.work, "reload-site")
    if os.path.exists(site):
        shutil.rmtree(site)
    shutil.copytree(args.site, site)
    slug = "bench-reload"
    page = os.path.join(site, "pages", f"{slug}.md")
    os.makedirs(os.path.dirname(page), exist_ok=True)
    with open(page, "w", encoding="utf-8") as f:
        f.write(PAGE.format(marker="start"))

    port = free_port()
    log = os.path.join(args.work, "reload-serve.log")
    out = open(log, "w", encoding="utf-8")
    proc = subprocess.Popen(
        [args.site_gen, "serve", "--site", site, "--templates", args.templates, "--port", str(port)],
        stdout=out,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/{slug}/"
    try:
        start = time.perf_counter()
        first = wait_for(url, "علامة القياس: start", 120, proc)
        startup = first - start
        times = []
        per_save = []
        time.sleep(0.5)
        for k in range(args.edits):
            editor = k % 2 == 0
            before = rebuilds(log)
            marker = f"m{k}x{time.time_ns()}"
            t0 = time.perf_counter()
            save(page, PAGE.format(marker=marker), editor)
            t1 = wait_for(url, marker, 30, proc)
            times.append(t1 - t0)
            time.sleep(0.5)  # let the watcher settle, and count the rebuilds this save caused
            per_save.append(rebuilds(log) - before)
            how = "as an editor saves" if editor else "in place"
            print(
                f"  edit {k + 1} ({how}): served after {(t1 - t0) * 1000:.1f} ms, "
                f"{per_save[-1]} rebuild(s)",
                file=sys.stderr,
            )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
        out.close()
        shutil.rmtree(site, ignore_errors=True)
    result = {
        "edits": args.edits,
        "serve_ready_s": startup,
        "save_to_served_ms_median": statistics.median(times) * 1000,
        "save_to_served_ms_max": max(times) * 1000,
        "save_to_served_ms": [t * 1000 for t in times],
        "rebuilds_per_save": per_save,
    }
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

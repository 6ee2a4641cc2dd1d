#!/usr/bin/env python3
"""The notifier's delay, locally: from a submission's answer to its e-mails written.

Starts the form service binary (argument 1) on a free loopback port with a fresh store and a fresh
outbox folder, sends N submissions of the request form one after another (JSON), and records, for
each, the time from the service's answer to the moment both of its e-mails (the staff notice and
the receipt) are files in the outbox folder: the local drain runs after the answer, so the answer
never waits for it. Prints the median, the 95th percentile and the largest delay, in
milliseconds, as a Markdown table row. Asserts no timing.

Usage: notify_delay.py FORM_FN_BINARY [N]
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    binary = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    work = tempfile.mkdtemp(prefix="notify-bench-")
    outbox = os.path.join(work, "outbox")
    port = free_port()
    env = dict(os.environ, FORMS_DATA_FILE=os.path.join(work, "forms.sqlite"),
               FORMS_OUTBOX_DIR=outbox, PORT=str(port), RUST_LOG="warn")
    env.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/api/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        delays = []
        for i in range(n):
            body = json.dumps({
                "category": "training", "full_name": "سارة العتيبي", "phone": "0501234567",
                "email": f"sara{i}@example.org", "national_id": "1000000008",
                "details": "أحتاج إلى مساعدة في التسجيل في البرنامج التدريبي القادم، وشكرًا لكم.",
                "consent": "agree", "idempotency_key": f"bench-notify-{i:06d}",
            }).encode()
            before = len(os.listdir(outbox)) if os.path.isdir(outbox) else 0
            req = urllib.request.Request(f"{base}/api/forms/request", data=body, headers={
                "content-type": "application/json", "accept": "application/json",
                "origin": "https://aman.example.org"})
            try:
                urllib.request.urlopen(req, timeout=10).read()
            except urllib.error.HTTPError as e:
                sys.exit(f"submission refused ({e.code}): {e.read()[:300]!r}; adjust the answers to the form")
            answered = time.monotonic()
            while len(os.listdir(outbox) if os.path.isdir(outbox) else []) < before + 2:
                if time.monotonic() - answered > 30:
                    sys.exit("no e-mail within 30 s")
                time.sleep(0.001)
            delays.append((time.monotonic() - answered) * 1000)
        delays.sort()
        p95 = delays[max(0, int(len(delays) * 0.95) - 1)]
        print("| submissions | median ms | p95 ms | max ms |")
        print("| --- | --- | --- | --- |")
        print(f"| {n} | {statistics.median(delays):.1f} | {p95:.1f} | {delays[-1]:.1f} |")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()

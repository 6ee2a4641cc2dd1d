#!/usr/bin/env python3
"""Cold starts of the release Lambda binary under a local Lambda runtime API.

A small emulator of the runtime API (the part a custom runtime uses: `invocation/next`, the
`response` and `error` posts) serves one API Gateway HTTP API (payload 2.0) event: a form
submission. Each round spawns the binary afresh and records, from the spawn:
- the first `next` poll (the binary has started and initialised: its init time);
- the posted response to the submission (the first answered submission), with its status code.
The binary is then stopped. Every submission differs, so none is taken for a repeat. The store is
the embedded DynamoDB-compatible one of the local build of form-fn, reached over loopback.
"""

import argparse
import json
import importlib.util
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/2018-06-01/runtime"


class Round:
    """What one cold start saw."""

    def __init__(self, event: dict, request_id: str):
        self.event = event
        self.request_id = request_id
        self.first_next: float | None = None
        self.answered: float | None = None
        self.response: dict | None = None
        self.error: str | None = None
        self.served = False
        self.done = threading.Event()
        self.stop = threading.Event()


class Runtime(BaseHTTPRequestHandler):
    """The runtime API; `server.round` is the cold start under way."""

    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def _reply(self, code: int, body: bytes = b"", headers: dict | None = None):
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        rnd: Round = self.server.round
        if self.path != f"{PREFIX}/invocation/next":
            return self._reply(404)
        now = time.perf_counter()
        if rnd.first_next is None:
            rnd.first_next = now
        if rnd.served:
            # The binary waits for its next event: keep it waiting until the round ends.
            rnd.stop.wait(30)
            return self._reply(410)
        rnd.served = True
        body = json.dumps(rnd.event).encode()
        self._reply(
            200,
            body,
            {
                "Content-Type": "application/json",
                "Lambda-Runtime-Aws-Request-Id": rnd.request_id,
                "Lambda-Runtime-Deadline-Ms": str(int(time.time() * 1000) + 30_000),
                "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:me-south-1:000000000000:function:form-fn",
                "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000;Sampled=0",
            },
        )

    def do_POST(self):
        rnd: Round = self.server.round
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == f"{PREFIX}/invocation/{rnd.request_id}/response":
            rnd.answered = time.perf_counter()
            try:
                rnd.response = json.loads(body or b"{}")
            except ValueError:
                rnd.error = "the response is not JSON"
        elif self.path.endswith("/error"):
            rnd.error = body.decode("utf-8", "replace")[:500]
        else:
            return self._reply(404)
        self._reply(202, b'{"status":"OK"}', {"Content-Type": "application/json"})
        rnd.done.set()


class RuntimeServer(ThreadingHTTPServer):
    """One round's runtime API."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        # A poll left waiting when the round's binary was stopped: its connection is gone.
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def submission_event(form: str, fields: dict[str, str], n: int) -> dict:
    body = urllib.parse.urlencode(fields)
    path = f"/api/forms/{form}"
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "content-type": "application/x-www-form-urlencoded",
            "accept": "text/html",
            "host": "bench.example.org",
            "user-agent": "bench",
        },
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "bench",
            "domainName": "bench.example.org",
            "domainPrefix": "bench",
            "http": {
                "method": "POST",
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "bench",
            },
            "requestId": f"bench-{n}",
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "timeEpoch": int(time.time() * 1000),
        },
        "body": body,
        "isBase64Encoded": False,
    }


def peak_rss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True, help="the release Lambda build of form-fn")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--form", default="feedback")
    ap.add_argument("--fields", required=True, help="the submission, as a JSON object of strings")
    ap.add_argument("--store-binary", required=True,
                    help="the local build of form-fn, started for its embedded store, which the Lambda binary uses")
    ap.add_argument("--data-file", required=True, help="the embedded store's file (FORMS_DATA_FILE)")
    ap.add_argument("--json", required=True, help="where to write the results")
    ap.add_argument("--cpu", type=int, default=None,
                    help="run the binary on this processor alone (a Lambda of little memory gets a "
                         "fraction of one); by default on all of them")
    args = ap.parse_args()
    fields = json.loads(args.fields)

    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_LAMBDA_FUNCTION_NAME": "form-fn",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/form-fn",
        "AWS_LAMBDA_LOG_STREAM_NAME": "bench",
        "AWS_REGION": "me-south-1",
        "AWS_DEFAULT_REGION": "me-south-1",
    }
    # The DynamoDB-compatible store: the local service's embedded one (it creates the table), which
    # it names in FORMS_DATA_FILE.endpoint.
    spec = importlib.util.spec_from_file_location("load", os.path.join(os.path.dirname(__file__), "load.py"))
    load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load)
    store, _, store_log = load.start_local(args.store_binary, args.data_file)
    with open(args.data_file + ".endpoint", encoding="utf-8") as f:
        endpoint = f.read().strip()
    env.update({
        "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
        "TABLE_NAME": "forms",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
    })
    binary_log = open(args.data_file + ".lambda.log", "wb")

    inits, answers, rsss, statuses = [], [], [], []
    for n in range(args.rounds):
        marked = dict(fields)
        # Every submission differs (a repeat would be answered from the first one).
        for k, v in marked.items():
            if "{n}" in v:
                marked[k] = v.replace("{n}", f"{n}-{time.time_ns()}")
        rnd = Round(submission_event(args.form, marked, n), f"req-{n}-{time.time_ns()}")
        # A runtime API of its own for each round: a poll the last round's binary sent before it
        # was stopped, read late, must not take this round's event.
        server = RuntimeServer(("127.0.0.1", 0), Runtime)
        server.round = rnd
        threading.Thread(target=server.serve_forever, daemon=True).start()
        env["AWS_LAMBDA_RUNTIME_API"] = f"127.0.0.1:{server.server_address[1]}"
        start = time.perf_counter()
        pin = None if args.cpu is None else (lambda: os.sched_setaffinity(0, {args.cpu}))
        proc = subprocess.Popen([args.binary], env=env, stdout=binary_log, stderr=binary_log,
                                preexec_fn=pin)
        answered = rnd.done.wait(30)
        rss = peak_rss_kib(proc.pid)
        rnd.stop.set()
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        server.shutdown()
        server.server_close()
        if not answered or rnd.error or rnd.response is None:
            store.kill()
            binary_log.flush()
            with open(args.data_file + ".lambda.log", encoding="utf-8", errors="replace") as f:
                tail = f.read()[-2000:]
            sys.exit(f"round {n}: no answer ({rnd.error or 'timeout'}); the binary said:\n{tail}")
        status = int(rnd.response.get("statusCode", 0))
        if not 200 <= status < 400:
            store.kill()
            sys.exit(f"round {n}: the submission was answered {status}: {str(rnd.response.get('body'))[:500]}")
        inits.append(rnd.first_next - start)
        answers.append(rnd.answered - start)
        statuses.append(status)
        if rss:
            rsss.append(rss)
        print(f"  cold start {n + 1}: first poll {inits[-1] * 1000:.1f} ms, answered {answers[-1] * 1000:.1f} ms ({status})",
              file=sys.stderr)
    store.terminate()
    store.wait(timeout=10)
    store_log.close()
    binary_log.close()
    result = {
        "store": "the local form-fn's embedded store (dynoxide, SQLite file) on loopback",
        "rounds": args.rounds,
        "cpu": args.cpu,
        "first_poll_ms_median": statistics.median(inits) * 1000,
        "first_poll_ms_max": max(inits) * 1000,
        "answered_ms_median": statistics.median(answers) * 1000,
        "answered_ms_max": max(answers) * 1000,
        "first_poll_ms": [x * 1000 for x in inits],
        "answered_ms": [x * 1000 for x in answers],
        "status_codes": sorted(set(statuses)),
        "peak_rss_kib": max(rsss) if rsss else None,
    }
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

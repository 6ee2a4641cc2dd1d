#!/usr/bin/env bash
# The form service's integration tests (form-fn/tests/service.rs, admin.rs, rights.rs, faults.rs,
# notify.rs and staff.rs) once more, against a second, independent DynamoDB-compatible server: moto's, from PyPI, in a virtual environment,
# on a free loopback port, one test at a time. moto is started through lib/moto_serialised.py,
# which applies its requests one at a time as DynamoDB applies conditional writes atomically:
# moto's own threaded server does not, and two simultaneous submissions could both pass the
# condition that makes a double click one record. The test of 1,000 submissions from 50 concurrent
# clients sends 40 from 10 here (FORM_FN_TEST_CLIENTS, FORM_FN_TEST_PER_CLIENT): moto copies the
# whole table on every transaction (a submission writes its e-mails too), so answering one request
# at a time it keeps 50 waiting clients past the service's 9-second limit (503 even after their
# retries). The 1,000 from 50 run against the embedded store (10-rust.sh). `--workspace`, as in 10-rust.sh: the dependencies are then built with the same
# features, and the test binaries built there are run again rather than built anew. The same
# moto server is the staff's Cognito user pool for staff.rs (FORM_FN_TEST_COGNITO): it issues
# RS256 tokens and serves each pool's keys; and the mail service (SES) of notify.rs.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/steps/lib/cargo.sh
root=$(pwd)

source tests/steps/lib/apt.sh
source tests/steps/lib/python.sh
venv="${FORM_FN_VENV:-$root/target/venv-moto}"
(
  behind_the_build
  python_venv "$venv" tests/steps/lib/moto-requirements.txt
)

port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
"$venv/bin/python" tests/steps/lib/moto_serialised.py 127.0.0.1 "$port" >"$log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null || true; wait $moto 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
  "$venv/bin/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/')" 2>/dev/null && break
  sleep 0.2
done
"$venv/bin/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/')" \
  || { echo "moto_server did not start:"; cat "$log"; exit 1; }

echo "moto_server on 127.0.0.1:$port"
# The fault test (faults.rs) cuts the service off from moto and lets it back rather than restarting
# moto, which would forget every table; 4 clients send at once (moto answers one at a time). Its
# counts are printed (--nocapture).
FORM_FN_TEST_ENDPOINT="http://127.0.0.1:$port" FORM_FN_TEST_COGNITO="http://127.0.0.1:$port" \
  FORM_FN_TEST_CLIENTS=10 FORM_FN_TEST_PER_CLIENT=4 FORM_FN_FAULT_CLIENTS=4 \
  cargo test --workspace --locked --test service --test admin --test rights --test faults --test notify --test staff -- --test-threads=1 \
  --nocapture

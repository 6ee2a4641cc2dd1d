#!/usr/bin/env bash
# The AWS deployment (infra/), checked without an AWS account: cfn-lint and checkov on the
# templates (the site's stack, and its edge stack in us-east-1), the tests that tie the template to form-fn's code and to the built sites, and
# infra/deploy and infra/publish (dry runs on a bare machine, and a real publish with the AWS CLI
# against moto, an AWS-compatible server on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/steps/lib/cargo.sh
root=$(pwd)
target="${CARGO_TARGET_DIR:-$root/target}"

# The set-up and the linters, in the debug build's gaps (lib/cargo.sh).
(
  behind_the_build
  # What the checks need on a fresh Debian machine.
  need=()
  command -v node >/dev/null || need+=(nodejs)
  command -v npm >/dev/null || need+=(npm)
  command -v shellcheck >/dev/null || need+=(shellcheck)
  source tests/steps/lib/apt.sh
  apt_install "${need[@]}"

  # Two virtualenvs (lib/python.sh): checkov pins its own dependencies (pytest among them) and
  # cannot share one with the tests.
  source tests/steps/lib/python.sh
  python_venv "$target/venv-infra" infra/requirements.txt
  python_venv "$target/venv-checkov" infra/requirements-checkov.txt

  echo "shellcheck: infra/deploy infra/publish .ci/"
  shellcheck -x infra/deploy infra/publish tests/steps/40-infra.sh dev .ci/run .ci/lib.sh .ci/pr-check \
    .ci/publish-or-deploy .ci/release-build .ci/release-publish .ci/install-deploy-tools .ci/build-editor

  echo "actionlint: .github/workflows (with shellcheck on their run: steps)"
  "$target/venv-infra/bin/actionlint" -no-color

  echo "cfn-lint: infra/template.yaml infra/edge.yaml (errors and warnings fail)"
  "$target/venv-infra/bin/cfn-lint" infra/template.yaml infra/edge.yaml
  # The site's stack goes to the region chosen for the data; these are the nearest ones.
  "$target/venv-infra/bin/cfn-lint" --regions me-central-1 me-south-1 -- infra/template.yaml

  echo "checkov: infra/template.yaml infra/edge.yaml (failed checks fail; skips must give a reason and be needed)"
  report=$(mktemp)
  trap 'rm -f "$report"' EXIT
  checkov_status=0
  "$target/venv-checkov/bin/checkov" -f infra/template.yaml -f infra/edge.yaml --framework cloudformation \
    --skip-download --output json >"$report" || checkov_status=$?
  "$target/venv-infra/bin/python" - "$report" "$checkov_status" <<'PY'
import json, sys
sys.path.insert(0, "infra/tests")
from conftest import REPO, load_template
report = json.load(open(sys.argv[1]))
if isinstance(report, list):  # one report per file passed
    report = {"summary": {k: sum(r["summary"][k] for r in report) for k in ("passed", "failed")},
              "results": {k: [c for r in report for c in r["results"][k]]
                          for k in ("failed_checks", "skipped_checks")}}
results = report["results"]
for check in results["failed_checks"]:
    print(f"FAILED {check['check_id']} {check['check_name']}: {check['resource']} "
          f"({check['file_path']}:{check['file_line_range'][0]})")
assert report["summary"]["failed"] == 0 and sys.argv[2] == "0", "checkov reports failed checks"
skipped = {(c["resource"].split(".")[-1], c["check_id"]) for c in results["skipped_checks"]}
written = {(name, s["id"])
           for path in ("infra/template.yaml", "infra/edge.yaml")
           for name, r in load_template(REPO / path)["Resources"].items()
           for s in r.get("Metadata", {}).get("checkov", {}).get("skip", [])}
assert written == skipped, f"skips that no check needs: {sorted(written - skipped)}"
print(f"checkov: {report['summary']['passed']} passed, 0 failed, "
      f"{len(skipped)} skipped, each with its reason in the templates")
PY
)
echo "site-gen and form-fn: built for the tests of the built sites, infra/publish and ./dev"
# As 10-rust.sh builds them (lib/cargo.sh), so that nothing is built again after it.
build_binaries -q

echo "pytest: infra/tests, two files at a time (the ten slowest tests listed at the end), ${SECONDS}s after this step started"
# At a lower priority (nice) than the service's tests of the steps beside this one, whose time
# limits are seconds, not minutes. Two workers, each taking whole files (--dist loadfile): a
# file's tests share its moto server and, for the deployments, the stack's build folder; most of
# the time is the AWS CLI's and moto's, waiting as much as computing.
PATH="$target/venv-infra/bin:$PATH" SITE_GEN_BIN="$target/debug/site-gen" FORM_FN_BIN="$target/debug/form-fn" \
  nice -n 5 "$target/venv-infra/bin/python" -m pytest -p no:cacheprovider -q --durations=10 \
  -n 2 --dist loadfile infra/tests

#!/usr/bin/env bash
# The form service's two Lambda functions as `sam build` compiles them: form-fn without its
# default features (no embedded store, none of the staff command's credential providers), checked
# to hold no dynoxide, to compile, and to have no warning in that configuration.
#
# The binary itself is run under a Lambda runtime API by form-fn/tests/lambda.rs in 10-rust.sh:
# the workspace's form-fn serves Lambda's invocations whenever AWS_LAMBDA_RUNTIME_API is set, and
# the feature only adds the embedded store's code. The deployed profile (for size, fat LTO) is
# built and measured by bench/form/run, not here: it is most of a run's processor time and changes
# no behaviour (its one setting that does, `panic = "unwind"`, is checked by
# infra/tests/test_deploy.py).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/steps/lib/cargo.sh

if cargo tree --locked -p form-fn --no-default-features -e normal --prefix none | grep -q '^dynoxide'; then
  echo "the Lambda build of form-fn depends on dynoxide; it must not"
  exit 1
fi
echo "the Lambda build of form-fn holds no dynoxide"
# A check build (no code generated) at the lowest priority: nothing else waits on it.
check=$(mktemp)
trap 'rm -f "$check"' EXIT
nice -n 19 cargo check --locked -p form-fn --no-default-features --bin form-fn --bin form-fn-notifier 2>&1 | tee "$check"
if has_warnings "$check"; then
  echo "clippy: the Lambda build has the warnings above (cargo clippy -p form-fn --no-default-features shows them)"
  exit 1
fi

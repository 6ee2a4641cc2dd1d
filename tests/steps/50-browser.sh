#!/usr/bin/env bash
# The browser suite (tests/browser/): both sites built and served, each with its own local form
# service (embedded store, fresh data) behind /api/, tested in Debian's headless Chromium:
# accessibility, valid HTML, right-to-left layout, keyboard, the forms end to end, Lighthouse.
# Screenshots and reports go to tests/artifacts/ (ignored by git); Lighthouse's performance
# figures to bench/results/lighthouse.json.
# A test file that hangs fails after ten minutes instead of holding up the run (node applies the
# limit to each file as a whole: forms.test.js sends every form of both sites, with and without
# JavaScript, and takes four to five minutes on a loaded machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

# What the suite needs on a fresh Debian machine.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v java >/dev/null || need+=(default-jre-headless)
command -v npm >/dev/null || need+=(nodejs npm)
fc-list :lang=ar 2>/dev/null | grep -q . || need+=(fonts-noto-core)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
# The browser editor that editor.test.js serves at /admin/ (admin/dist).
.ci/build-editor

target="${CARGO_TARGET_DIR:-$root/target}"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The form service embeds the site it answers for when it is built (SITE_DIR, see
# form-fn/build.rs): one build per site, the default site's last so that target/ is left as the
# other steps build it. The binaries are built as 10-rust.sh builds them (`cargo test --workspace`
# builds them for the tests that run them): the same dependencies with the same features, so
# that only form-fn itself is built again for the second site.
build_form_fn() {
  local name=$1 content=$2
  mkdir -p "$work/$name/bin"
  SITE_DIR="$root/$content" cargo test --workspace --locked -q --no-run
  cp "$target/debug/form-fn" "$target/debug/form-fn-admin" "$work/$name/bin/"
}
build_form_fn qana examples/qana/content
build_form_fn default content

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}
# Waits up to 60 s for the form service on port $1 to answer its health check.
healthy() {
  node -e '
    const url = `http://127.0.0.1:${process.argv[1]}/api/health`;
    const until = Date.now() + 60000;
    (async () => {
      while (Date.now() < until) {
        try { if ((await fetch(url)).ok) process.exit(0); } catch {}
        await new Promise((r) => setTimeout(r, 200));
      }
      process.exit(1);
    })();' "$1"
}

# One entry of the suite's description per site: built into $work/NAME/public, its forms taken by
# its own form service on a free port with a fresh store in $work/NAME/forms.sqlite; `store` is
# the staff command that lists that store's records of a form (the form's id is appended); `log`
# the service's output, where it prints the staff's one-time sign-in link (staff.test.js).
entries=()
start_site() {
  local name=$1 content=$2 port data="$work/$1/forms.sqlite"
  "$target/debug/site-gen" build --site "$content" --out "$work/$name/public"
  port=$(free_port)
  # Every submission of the suite comes from this machine's one address: the per-client limit
  # (FORMS_SUBMISSIONS_PER_CLIENT) is raised above what the suite sends.
  FORMS_SUBMISSIONS_PER_CLIENT=100000 FORMS_DATA_FILE="$data" "$work/$name/bin/form-fn" --port "$port" >"$work/$name/form-fn.log" 2>&1 &
  pids+=($!)
  healthy "$port" || { echo "the $name form service did not start:"; cat "$work/$name/form-fn.log"; exit 1; }
  entries+=("$(printf '{"name":"%s","content":"%s","public":"%s","api":"http://127.0.0.1:%s","store":["%s","--local","--data-file","%s","list","--json","--form"],"log":"%s"}' \
    "$name" "$root/$content" "$work/$name/public" "$port" "$work/$name/bin/form-fn-admin" "$data" "$work/$name/form-fn.log")")
}
start_site default content
start_site qana examples/qana/content
(IFS=,; printf '{"sites":[%s]}\n' "${entries[*]}") >"$work/suite.json"

cd "$root/tests/browser"
# Every *.test.js file; BROWSER_TESTS picks some of them, e.g. BROWSER_TESTS=forms.test.js while
# working on forms.
if [ -n "${BROWSER_TESTS:-}" ]; then read -r -a files <<<"$BROWSER_TESTS"; else files=(*.test.js); fi
# Two runs side by side, each one file at a time. The files that send forms count the records
# a site's store holds before and after, and share the stores: they are in the same run, with
# Lighthouse (which only reads) to even out the two runs' lengths. All the other files only read
# the sites. The second run's report is printed when both have ended.
store_files=() other_files=()
for f in "${files[@]}"; do
  case "$f" in
    forms.test.js | conditional.test.js | idempotency.test.js | staff.test.js | lighthouse.test.js) store_files+=("$f") ;;
    *) other_files+=("$f") ;;
  esac
done
suite() {
  [ "$#" -gt 0 ] || return 0
  SUITE="$work/suite.json" node --test --test-concurrency=1 --test-timeout=600000 --test-reporter=spec "$@"
}
suite "${other_files[@]}" >"$work/others.log" 2>&1 &
other_run=$!
pids+=("$other_run")
status=0
suite "${store_files[@]}" || status=1
wait "$other_run" || status=1
cat "$work/others.log"
exit "$status"

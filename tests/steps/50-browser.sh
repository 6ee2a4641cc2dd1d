#!/usr/bin/env bash
# The browser suite (tests/browser/): both sites built and served, each with its own local form
# service (embedded store, fresh data) behind /api/, tested in Debian's Chromium: accessibility,
# valid HTML, right-to-left layout, keyboard, the forms end to end in its headless shell
# (chromium-headless-shell), Lighthouse in the browser itself (chromium, headless).
# Screenshots and reports go to tests/artifacts/ (ignored by git); Lighthouse's performance
# figures, both sites', to bench/results/lighthouse.json.
# A test file that hangs fails after ten minutes instead of holding up the run (node applies the
# limit to each file as a whole: forms.test.js, the longest, sends every form of a site with and
# without JavaScript in about two minutes on a loaded machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/steps/lib/cargo.sh
root=$(pwd)

# What the suite needs on a fresh Debian machine.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromium-headless-shell ] || need+=(chromium-headless-shell)
command -v java >/dev/null || need+=(default-jre-headless)
command -v npm >/dev/null || need+=(nodejs npm)
fc-list :lang=ar 2>/dev/null | grep -q . || need+=(fonts-noto-core)
source tests/steps/lib/apt.sh
(
  behind_the_build
  apt_install "${need[@]}"
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
  # The browser editor that editor.test.js serves at /admin/ (admin/dist).
  .ci/build-editor
)

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
# form-fn/build.rs): one build per site, each copied to $work/NAME/bin. The default site's is
# the one the other steps use, built as 10-rust.sh builds it (build_binaries, lib/cargo.sh):
# nothing is built again here. The second site's goes to a target folder of its own,
# $target/site-qana, whose intermediate files are 10-rust.sh's (CARGO_BUILD_BUILD_DIR), so its
# dependencies are those built there. A profile setting of form-fn's own (one codegen unit fewer,
# to no effect) gives form-fn's compiled units for this site names of their own: only form-fn and
# its binaries are built again, once, and the default site's, which the steps running beside this
# one use, are never touched.
mkdir -p "$work/default/bin" "$work/qana/bin"
build_binaries -q
cp "$target/debug/form-fn" "$target/debug/form-fn-admin" "$work/default/bin/"
SITE_DIR="$root/examples/qana/content" CARGO_BUILD_BUILD_DIR="$target" CARGO_TARGET_DIR="$target/site-qana" \
  build_binaries -q --config 'profile.dev.package.form-fn.codegen-units=255'
cp "$target/site-qana/debug/form-fn" "$target/site-qana/debug/form-fn-admin" "$work/qana/bin/"

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

# The suite runs in lanes (below), and each lane has its own form service for each site, with a
# fresh store in $work/LANE/NAME/forms.sqlite, on a free port: the lanes share no data. A test file
# is run for one site at a time, with a description of that site alone in $work/LANE/NAME.json
# (lib/setup.js): the site built into $work/NAME/public (once, for all lanes); `api`, the service
# that takes its forms; `store`, the staff command that lists that store's records of a form (the
# form's id is appended); `log`, the service's output, where it prints the staff's one-time
# sign-in link (staff.test.js).
declare -A contents=([default]=content [qana]=examples/qana/content)
names=(default qana)
for name in "${names[@]}"; do
  "$target/debug/site-gen" build --site "${contents[$name]}" --out "$work/$name/public"
done
start_lane() {
  local lane=$1 name port data log entry
  for name in "${names[@]}"; do
    mkdir -p "$work/$lane/$name"
    data="$work/$lane/$name/forms.sqlite" log="$work/$lane/$name/form-fn.log"
    port=$(free_port)
    # Every submission of the suite comes from this machine's one address: the per-client limit
    # (FORMS_SUBMISSIONS_PER_CLIENT) is raised above what the suite sends.
    FORMS_SUBMISSIONS_PER_CLIENT=100000 FORMS_DATA_FILE="$data" "$work/$name/bin/form-fn" --port "$port" >"$log" 2>&1 &
    pids+=($!)
    healthy "$port" || { echo "the $name form service of lane $lane did not start:"; cat "$log"; exit 1; }
    entry=$(printf '{"name":"%s","content":"%s","public":"%s","api":"http://127.0.0.1:%s","store":["%s","--local","--data-file","%s","list","--json","--form"],"log":"%s"}' \
      "$name" "$root/${contents[$name]}" "$work/$name/public" "$port" "$work/$name/bin/form-fn-admin" "$data" "$log")
    printf '{"sites":[%s]}\n' "$entry" >"$work/$lane/$name.json"
  done
}

cd "$root/tests/browser"
# Every *.test.js file; BROWSER_TESTS picks some of them, e.g. BROWSER_TESTS=forms.test.js while
# working on forms.
if [ -n "${BROWSER_TESTS:-}" ]; then read -r -a files <<<"$BROWSER_TESTS"; else files=(*.test.js); fi
# Each file is run once per site, in BROWSER_LANES lanes side by side (3 unless set), each lane
# one run at a time against its own form services: a file that counts the records of a store
# never sees another file's submissions. A lane takes the next run no lane has taken yet (mkdir
# is the claim); the longest files (`slowest`, by their reported durations) come first so that
# the lanes end together. The reports are printed whole, in the order of `files`, when all runs
# have ended. The lanes run at a lower priority (nice) than the service's tests of the steps
# beside this one, whose time limits are seconds, not minutes.
slowest=(forms.test.js keyboard.test.js lighthouse.test.js pages.test.js phone.test.js)
ordered=()
for f in "${slowest[@]}"; do [[ " ${files[*]} " == *" $f "* ]] && ordered+=("$f"); done
for f in "${files[@]}"; do [[ " ${slowest[*]} " == *" $f "* ]] || ordered+=("$f"); done
queue=()
for f in "${ordered[@]}"; do for name in "${names[@]}"; do queue+=("$f.$name"); done; done
lanes=${BROWSER_LANES:-3}
[ "$lanes" -gt "${#queue[@]}" ] && lanes=${#queue[@]}
mkdir -p "$work/claimed" "$work/reports"
run_lane() {
  local lane=$1 run start
  for run in "${queue[@]}"; do
    mkdir "$work/claimed/$run" 2>/dev/null || continue
    start=$(date +%s)
    if SUITE="$work/$lane/${run##*.}.json" LIGHTHOUSE_REPORT="$work/reports/$run.lighthouse.json" nice -n 5 node --test --test-timeout=600000 --test-reporter=spec "${run%.*}" \
      >"$work/reports/$run.log" 2>&1; then
      echo "passed in $(( $(date +%s) - start ))s, lane $lane" >"$work/reports/$run.end"
    else
      echo "FAILED in $(( $(date +%s) - start ))s, lane $lane" >"$work/reports/$run.end"
    fi
  done
}
echo "$lanes lanes for ${#queue[@]} runs start ${SECONDS}s after this step did (the builds and installs before them)"
runs=()
for lane in $(seq 1 "$lanes"); do
  start_lane "$lane"
  run_lane "$lane" &
  runs+=($!)
  pids+=($!)
done
wait "${runs[@]}"
# Lighthouse's figures, measured one site per run, into one file (lighthouse.test.js).
reports=("$work"/reports/*.lighthouse.json)
if [ -f "${reports[0]}" ]; then
  node -e '
    const fs = require("fs");
    const [out, ...files] = process.argv.slice(1);
    const [first, ...rest] = files.map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
    first.pages.push(...rest.flatMap((r) => r.pages));
    fs.writeFileSync(out, JSON.stringify(first, null, 2) + "\n");' "$root/bench/results/lighthouse.json" "${reports[@]}"
fi
status=0
for f in "${files[@]}"; do
  for name in "${names[@]}"; do
    echo ":: tests/browser/$f, $name site"
    cat "$work/reports/$f.$name.log"
    echo ":: tests/browser/$f, $name site: $(cat "$work/reports/$f.$name.end")"
    [[ "$(cat "$work/reports/$f.$name.end")" == passed* ]] || status=1
  done
done
exit "$status"

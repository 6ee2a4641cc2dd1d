# shellcheck shell=bash
# The tests' Python virtualenvs (moto's for 20-form-fn-moto.sh, infra's and checkov's for
# 40-infra.sh), each made again only when its requirements file changes. uv installs them: pip
# spent about 25 processor-seconds on checkov's alone, in a run bound by processor time; uv a few
# for all three. uv itself comes from PyPI, pinned in tests/steps/lib/uv-requirements.txt, into a
# virtualenv of its own that the steps share (the first one to get here makes it while the others
# wait). Sourced after lib/apt.sh.

# TLS through the system's certificate store, where a machine's own authorities are; pip's
# timeout, for slow links.
export UV_NATIVE_TLS=1 UV_PYTHON_DOWNLOADS=never UV_NO_PROGRESS=1
export UV_HTTP_TIMEOUT="${UV_HTTP_TIMEOUT:-180}"

# Whether the virtualenv $1 was made from requirements file $2 as it is now; if not, removes it
# and prints the stamp to write into $1/.requirements once it is made again.
stale() {
  local stamp
  stamp=$(sha256sum "$2" | cut -d' ' -f1)
  [ "$(cat "$1/.requirements" 2>/dev/null)" != "$stamp" ] || return 1
  rm -rf "$1"
  echo "$stamp"
}

# Prints the path of uv, installing it first when needed.
uv_tool() {
  local venv="${CARGO_TARGET_DIR:-$PWD/target}/venv-uv"
  (
    flock 9
    stamp=$(stale "$venv" tests/steps/lib/uv-requirements.txt) || exit 0
    python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r tests/steps/lib/uv-requirements.txt
    echo "$stamp" >"$venv/.requirements"
  ) 9>"${TMPDIR:-/tmp}/tests-uv.lock" >&2 || return 1
  echo "$venv/bin/uv"
}

# Makes the virtualenv $1 with the packages of requirements file $2, unless it was made from the
# same file.
python_venv() {
  local dir=$1 requirements=$2 stamp uv
  stamp=$(stale "$dir" "$requirements") || return 0
  uv=$(uv_tool) || return 1
  "$uv" venv -q --python "$(command -v python3)" "$dir" &&
    "$uv" pip install -q --python "$dir/bin/python" -r "$requirements" &&
    echo "$stamp" >"$dir/.requirements"
}

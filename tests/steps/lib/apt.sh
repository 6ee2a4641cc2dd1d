# shellcheck shell=bash
# Installs the Debian packages named, for the steps that need some on a fresh machine. The steps
# run side by side and apt lets one of them at a time: each waits for the others here.
apt_install() {
  [ "$#" -gt 0 ] || return 0
  echo "installing $*"
  (
    flock 9
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" >/dev/null
  ) 9>"${TMPDIR:-/tmp}/tests-apt.lock"
}

# Sourced by test/e2e/setup.sh and test/editors/setup.sh (which define log()): installs the
# Debian packages named after `--` when any are given, as root, once the lists are updated.
#   install_missing [apt-get install options] -- PACKAGE...
# Exits 2 with one line saying what to run when a package is missing and we are not root.
install_missing() {
  local options=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do options+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  [ $# -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    log "missing Debian packages: $* (run as root, or: sudo apt-get install -y $*)"
    exit 2
  fi
  log "apt-get install $*"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${options[@]}" "$@" >/dev/null
}

#!/usr/bin/env bash
# Installs the editors the editor tests drive, from Debian, only when missing:
#   neovim (0.7.2 on Debian 12), emacs-nox (28.2) and elpa-eglot (Eglot 1.9).
# Needs root when something is missing; a second run does nothing and takes well under a second.
set -euo pipefail

log() { printf '[editors-setup] %s\n' "$*" >&2; }

missing=()
command -v nvim >/dev/null 2>&1 || missing+=(neovim)
command -v emacs >/dev/null 2>&1 || missing+=(emacs-nox)
dpkg -s elpa-eglot >/dev/null 2>&1 || missing+=(elpa-eglot)
# shellcheck source=../install-missing.sh
. "$(dirname "${BASH_SOURCE[0]}")/../install-missing.sh"
install_missing --no-install-recommends -- "${missing[@]}"
log "ready: $(nvim --version | head -1), $(emacs --version | head -1), elpa-eglot $(dpkg-query -W -f '${Version}' elpa-eglot)"

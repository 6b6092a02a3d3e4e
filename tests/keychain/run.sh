#!/usr/bin/env bash
# Runs the keychain tests that need a real D-Bus session:
#   1. keychain_secret_service: against gnome-keyring, started unlocked with a
#      test password in a private session bus, its keyrings in a temporary
#      directory (never the user's own keyring).
#   2. keychain_locked: starts its own private bus and gnome-keyring, locks the
#      "login" keyring and checks the locked errors (no GUI prompt possible).
#   3. keychain_unavailable: starts its own private bus with no Secret Service.
# Needs: dbus-daemon / dbus-run-session (dbus, dbus-x11), gnome-keyring,
# secret-tool (libsecret-tools).
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in dbus-run-session dbus-daemon gnome-keyring-daemon secret-tool; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (install dbus, gnome-keyring, libsecret-tools)" >&2; exit 2; }
done

keyrings=$(mktemp -d)
trap 'rm -rf "$keyrings"' EXIT

# gnome-keyring keeps its keyrings in $XDG_DATA_HOME/keyrings; --unlock with a
# password on stdin creates and unlocks the "login" keyring without a prompt.
# The tests wait until the daemon owns org.freedesktop.secrets before their
# first call.
C1_SETUP_REAL_KEYCHAIN=1 XDG_DATA_HOME="$keyrings" dbus-run-session -- bash -c '
  printf "test-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  cargo test -p c1-setup-core --test keychain_secret_service "$@"
' bash "$@"

C1_SETUP_REAL_KEYCHAIN=1 cargo test -p c1-setup-core --test keychain_locked "$@"

C1_SETUP_NO_KEYCHAIN_SESSION=1 cargo test -p c1-setup-core --test keychain_unavailable "$@"

#!/usr/bin/env bash
# Install the Debian packages the app and its tests use, where missing:
# libsecret (keytar builds against it), gnome-keyring + dbus (the real keychain
# in tests), chromium (renderer tests), rsync (copies in the local hub), openssl.
set -euo pipefail
need=()
for pkg in libsecret-1-dev gnome-keyring dbus dbus-x11 chromium rsync openssl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null

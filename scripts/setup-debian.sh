#!/usr/bin/env bash
# Install the Debian packages the app and its tests use, where missing:
# libsecret (keytar builds against it), gnome-keyring + dbus (the real keychain
# in tests), chromium (renderer tests), rsync (copies in the local hub), openssl.
set -euo pipefail

# Node: the app, its build and its tests need 20.19 or later (chokidar 5, readdirp 5 and markdown-it's
# entities 8 declare it, and Electron's installer loads its ES-module downloader with require(), which
# Node has from 20.19). Packaging with electron-builder 26 needs 22.12 (its @electron/rebuild 4 and
# node-abi 4 declare it); so do the package manifests of electron 45 and its downloader, which is why
# npm ci prints EBADENGINE warnings on Node 20: they are harmless for npm start and npm test.
node_version=$(node -p 'process.versions.node' 2>/dev/null || true)
version_at_least() { # $1 >= $2, both MAJOR.MINOR[.PATCH]
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}
if [ -z "$node_version" ]; then
  echo "Node.js is not installed: install Node 22.12 or later (20.19 is the least that runs the app and its tests), then run this again." >&2
  exit 1
elif ! version_at_least "$node_version" 20.19.0; then
  echo "Node.js $node_version is too old: the app and its tests need 20.19 or later (22.12 or later to package the app). Install a newer Node, then run this again." >&2
  exit 1
elif ! version_at_least "$node_version" 22.12.0; then
  echo "Node.js $node_version runs the app and its tests; packaging it (electron-builder) needs 22.12 or later, and npm ci will warn about that (EBADENGINE)."
fi

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

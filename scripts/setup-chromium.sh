#!/usr/bin/env bash
# Installs Debian's `chromium` for the HTML report's browser test (issue 7): the test drives
# /usr/bin/chromium headless through playwright-core. Idempotent: does nothing when chromium is
# already installed, and runs `apt-get update` only when the package lists cannot offer it.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

PACKAGE=chromium
BINARY=/usr/bin/chromium

if dpkg-query -W -f='${Status}' "$PACKAGE" 2>/dev/null | grep -q 'install ok installed' && [ -x "$BINARY" ]; then
  echo "setup-chromium: already installed ($("$BINARY" --version 2>/dev/null || echo "$BINARY"))"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "setup-chromium: must run as root to install $PACKAGE" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-chromium: needs a Debian-like system with apt-get" >&2
  exit 1
fi

# A fresh image has empty package lists: only then (or when the candidate is unknown) refresh them.
candidate="$(apt-cache policy "$PACKAGE" 2>/dev/null | awk '/Candidate:/ {print $2}')"
if [ -z "$candidate" ] || [ "$candidate" = "(none)" ]; then
  echo "setup-chromium: refreshing package lists"
  apt-get update -qq
fi

echo "setup-chromium: installing $PACKAGE"
if ! apt-get install -y -qq --no-install-recommends "$PACKAGE" >/dev/null; then
  # Stale lists point at package versions the mirror no longer has: refresh once and retry.
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$PACKAGE" >/dev/null
fi

if [ ! -x "$BINARY" ]; then
  echo "setup-chromium: $BINARY missing after installing $PACKAGE" >&2
  exit 1
fi
echo "setup-chromium: ok ($("$BINARY" --version 2>/dev/null || echo "$BINARY"))"

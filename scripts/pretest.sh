#!/usr/bin/env bash
# Runs before `npm test` (npm's `pretest`): makes sure the real parts the tests drive are present
# (podman + runc + the busybox test image for the probe, Debian's chromium for the HTML report).
# Present: says so and returns at once. Missing and root: installs them (scripts/setup.sh,
# idempotent). Missing and not root: names what is missing and the one command to run, exit 1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

missing=()
command -v podman >/dev/null 2>&1 || missing+=("podman")
command -v runc >/dev/null 2>&1 || missing+=("runc")
if command -v podman >/dev/null 2>&1 && ! podman image exists localhost/busybox:probe 2>/dev/null; then
  missing+=("image localhost/busybox:probe")
fi
grep -qs 'ebs-burst-guardian' /etc/containers/containers.conf || missing+=("/etc/containers/containers.conf")
[ -x /usr/bin/chromium ] || missing+=("chromium")

if [ "${#missing[@]}" -eq 0 ]; then
  echo "pretest: podman, runc, test image and chromium present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "pretest: missing ${missing[*]}; run once: sudo bash scripts/setup.sh" >&2
  exit 1
fi
echo "pretest: missing ${missing[*]}; installing (scripts/setup.sh)"
bash "$here/setup.sh"

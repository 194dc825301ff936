#!/usr/bin/env bash
# Runs before `npm test` (npm's `pretest`): makes sure the real parts the tests drive are present
# (podman, runc, containerd and the busybox test image for the probe, Debian's chromium for the HTML
# report: the packages scripts/setup-*.sh install).
# Present: says so and returns at once. Missing and root: installs them (scripts/setup.sh,
# idempotent). Missing and not root: names what is missing and the one command to run, exit 1.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

missing=()
# The Debian packages the setup scripts install, read from them so the two lists never drift.
packages="$(sed -n 's/^PACKAGES=(\(.*\))$/\1/p' "$here/setup-container-runtime.sh") $(sed -n 's/^PACKAGE=//p' "$here/setup-chromium.sh")"
for pkg in $packages; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if command -v podman >/dev/null 2>&1 && ! podman image exists localhost/busybox:probe 2>/dev/null; then
  missing+=("image localhost/busybox:probe")
fi
grep -qs 'ebs-burst-guardian' /etc/containers/containers.conf || missing+=("/etc/containers/containers.conf")
[ -x /usr/bin/chromium ] || missing+=("/usr/bin/chromium")

if [ "${#missing[@]}" -eq 0 ]; then
  echo "pretest: system packages ($(echo $packages | wc -w)), test image and chromium present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "pretest: missing ${missing[*]}; run once: sudo bash scripts/setup.sh" >&2
  exit 1
fi
echo "pretest: missing ${missing[*]}; installing (scripts/setup.sh)"
bash "$here/setup.sh"

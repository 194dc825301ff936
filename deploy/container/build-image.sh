#!/usr/bin/env bash
# Builds the probe's container image for this machine's architecture, offline, from the repository:
#   bash deploy/container/build-image.sh [TAG]        (default localhost/burst-probe:latest)
# Needs podman (or BURST_PROBE_BUILDER=docker), the npm cache of the Node runtime (`npm ci` fetches
# it), and ldd. Extra podman global flags (e.g. --root) may be given in BURST_PROBE_PODMAN_FLAGS.
# Reproducible: same inputs, same image id (timestamps are zeroed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
tag="${1:-localhost/burst-probe:latest}"
builder="${BURST_PROBE_BUILDER:-podman}"
read -r -a flags <<< "${BURST_PROBE_PODMAN_FLAGS:-}"

payload="$(cd "$repo" && npx tsx scripts/probe-payload.ts)"
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
rootfs="$ctx/rootfs"
mkdir -p "$rootfs/opt/burst-probe" "$rootfs/etc" "$rootfs/tmp" "$rootfs/host/proc"
cp -a "$payload/bin" "$payload/burst-probe.mjs" "$payload/SHA256SUMS" "$rootfs/opt/burst-probe/"
# The shared libraries the official binary links against, and the loader, from this host.
for lib in $(ldd "$payload/bin/node" | awk '/=>/ { print $3 } /^[[:space:]]*\// { print $1 }'); do
  cp -L --parents "$lib" "$rootfs/"
done
printf 'root:x:0:0:root:/:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\n' > "$rootfs/etc/group"
printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
cp "$here/Containerfile" "$ctx/Containerfile"
find "$rootfs" -exec touch -h -d '1970-01-01T00:00:00Z' {} +
"$builder" "${flags[@]}" build --quiet --timestamp 0 -f "$ctx/Containerfile" -t "$tag" "$ctx"
echo "built $tag from $payload"

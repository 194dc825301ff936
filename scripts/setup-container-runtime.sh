#!/usr/bin/env bash
# Prepares a real container runtime for the probe's tests (DESIGN.md §6): Podman + runc from
# Debian, a tiny busybox image imported as localhost/busybox:probe, and system-wide configuration
# (vfs storage, runc, cgroupfs, no default ulimits, file event log) so that plain
# `podman run --rm localhost/busybox:probe /bin/true` works as root. Idempotent; fails loudly.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

IMAGE="localhost/busybox:probe"
# zip/unzip/curl: the probe's layer tests zip a layer and run the SSM install script, which downloads
# (file:// here) and opens it; libstdc++6: the probe image copies it beside the official Node binary;
# containerd: the probe's containerd event source runs against a private daemon the tests start.
PACKAGES=(podman runc busybox-static uidmap conmon zip unzip curl libstdc++6 containerd)

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-container-runtime: must run as root (installs packages, writes /etc/containers)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-container-runtime: needs a Debian-like system with apt-get" >&2
  exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup-container-runtime: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p /etc/containers
# Written every time (small, deterministic): the settings DESIGN.md §6 found to work here.
cat > /etc/containers/containers.conf <<'CONF'
# Written by ebs-burst-guardian scripts/setup-container-runtime.sh
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
cat > /etc/containers/storage.conf <<'CONF'
# Written by ebs-burst-guardian scripts/setup-container-runtime.sh
[storage]
driver = "vfs"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage"
CONF

if ! podman image exists "$IMAGE"; then
  echo "setup-container-runtime: importing $IMAGE"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/rootfs/bin" "$work/rootfs/tmp" "$work/rootfs/etc" "$work/rootfs/proc" "$work/rootfs/sys" "$work/rootfs/dev"
  cp /bin/busybox "$work/rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$work/rootfs/bin/$applet"
  done
  tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
  podman import --quiet "$work/rootfs.tar" "$IMAGE" >/dev/null
fi

podman run --rm --network none "$IMAGE" /bin/true
echo "setup-container-runtime: ok ($(podman --version), $(runc --version | head -n1))"

#!/usr/bin/env bash
# Installs the system packages the tests need (idempotent; a fresh machine has none of them).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for step in "$here"/setup-*.sh; do
  [ -e "$step" ] || continue
  echo "setup: $(basename "$step")"
  bash "$step"
done

#!/usr/bin/env bash
# One-time set-up on a fresh machine: the Debian libraries the native tensor backend builds
# against (optional: without them everything still runs, on a slower backend), then the npm
# workspace. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# libdnnl-dev: the native tensor backend; redis-server: the job-queue tests start their own on
# loopback; chromium: the web page's browser test (driven by playwright-core, which downloads nothing).
APT_PACKAGES=(libdnnl-dev redis-server chromium)

if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="none"; fi
    if [ "$SUDO" = "none" ]; then
      echo "setup: cannot install ${missing[*]} (not root, no sudo): the native backend will be skipped" >&2
    else
      echo "setup: installing ${missing[*]}" >&2
      { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } \
        || echo "setup: apt-get could not install ${missing[*]}: the native backend, the queue tests and the browser test will be skipped" >&2
    fi
  fi
fi

npm ci --no-audit --no-fund
# npm runs no install scripts of workspace dependencies it has not been told to allow; build
# the native addon explicitly (it prints one warning and exits 0 when the libraries are absent).
npm run build:native -w @worldmodels/tfjs-backend-native --if-present || echo "setup: native backend not built; falling back to wasm/cpu" >&2

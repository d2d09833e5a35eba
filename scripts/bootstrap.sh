#!/usr/bin/env bash
# Installs what Hearth needs on a fresh machine: system packages (Debian/Ubuntu, when run as root
# or with sudo) and the locked npm dependencies. Safe to run again; it skips what is present.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(chromium python3-torch python3-onnx python3-numpy libopenblas0-pthread slurm-wlm slurmctld slurmd slurm-client munge slurmrestd)

missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done

if ((${#missing[@]})); then
  if command -v apt-get >/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "bootstrap: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bootstrap: not a Debian system; install these yourself: ${missing[*]} (or set CHROMIUM_PATH)" >&2
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # onnxruntime-node (pulled by the transformers.js used in benches) downloads binaries from a host
  # that is unreachable here; package.json denies its install script, and older npm reads this variable.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
fi

# The AI SDK's tests have their own install (tests/ai-sdk/package.json says why): ai 7 declares
# Node >= 22, which the project itself does not need.
if [ ! -d tests/ai-sdk/node_modules ] || [ tests/ai-sdk/package-lock.json -nt tests/ai-sdk/node_modules/.package-lock.json ]; then
  (cd tests/ai-sdk && npm ci --no-audit --no-fund)
fi

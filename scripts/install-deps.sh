#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test Syncgate.
# Idempotent: installs only missing packages. Needs root (or sudo) for apt.
set -euo pipefail

# Build toolchain.
packages=(openjdk-17-jdk-headless maven)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  echo "install-deps: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: nothing to install"
fi

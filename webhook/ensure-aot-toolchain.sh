#!/usr/bin/env bash
# NativeAOT links with the platform toolchain and zlib: installs clang and zlib1g-dev (apt) when either is missing.
# Run or sourced by every script that publishes a NativeAOT binary (webhook/publish.sh, bench/*.sh).
set -euo pipefail
if ! command -v clang >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1 || ! dpkg-query -W -f='${Status}' zlib1g-dev 2>/dev/null | grep -q "ok installed"; then
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq clang zlib1g-dev >/dev/null
fi

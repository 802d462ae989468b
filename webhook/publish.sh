#!/usr/bin/env bash
# Publishes the webhook, the elector and the kubectl plugin with NativeAOT into one folder, the same way for the
# Dockerfile, the tests and the benchmarks:  webhook/publish.sh [OUT_DIR]   (default artifacts/publish)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/../artifacts/publish"}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# NativeAOT links with the platform toolchain and zlib.
if ! command -v clang >/dev/null 2>&1 && ! command -v gcc >/dev/null 2>&1 || ! dpkg-query -W -f='${Status}' zlib1g-dev 2>/dev/null | grep -q "ok installed"; then
  sudo_cmd=""; [ "$(id -u)" = 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq clang zlib1g-dev >/dev/null
fi

rid=${RID:-linux-x64}
for project in SingleActive.Webhook SingleActive.Elector SingleActive.Kubectl; do
  echo "[publish] $project ($rid, NativeAOT) -> $out" >&2
  dotnet publish "$here/$project/$project.csproj" -c Release -r "$rid" -o "$out" --nologo -v quiet -p:DebugType=none -p:StripSymbols=true
done
ls -l "$out" >&2

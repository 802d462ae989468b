#!/usr/bin/env bash
# Publishes the webhook, the elector and the kubectl plugin with NativeAOT into one folder, the same way for the
# Dockerfile, the tests and the benchmarks:  webhook/publish.sh [OUT_DIR]   (default artifacts/publish)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/../artifacts/publish"}
mkdir -p "$out"
out=$(cd "$out" && pwd)

"$here/ensure-aot-toolchain.sh"

rid=${RID:-linux-x64}
for project in SingleActive.Webhook SingleActive.Elector SingleActive.Kubectl; do
  echo "[publish] $project ($rid, NativeAOT) -> $out" >&2
  dotnet publish "$here/$project/$project.csproj" -c Release -r "$rid" -o "$out" --nologo -v quiet -p:DebugType=none -p:StripSymbols=true
done
ls -l "$out" >&2

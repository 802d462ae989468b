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
# The git commit in the binaries' version (the build info metrics' "revision"): the SDK reads it from .git; a build
# without one (the Dockerfile's context leaves .git out) takes it from SOURCE_REVISION.
revision=()
if [ -n "${SOURCE_REVISION:-}" ]; then revision=("-p:SourceRevisionId=$SOURCE_REVISION"); fi
for project in SingleActive.Webhook SingleActive.Elector SingleActive.Kubectl; do
  echo "[publish] $project ($rid, NativeAOT) -> $out" >&2
  dotnet publish "$here/$project/$project.csproj" -c Release -r "$rid" -o "$out" --nologo -v quiet -p:DebugType=none -p:StripSymbols=true "${revision[@]}"
done
ls -l "$out" >&2

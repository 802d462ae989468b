#!/usr/bin/env bash
# How the way the webhook is compiled changes its admission throughput: publishes this tree's webhook several ways,
# saturates each in turn with the bench's load generator (the same three dry-run pod bodies as bench/run.sh section 1),
# next to the Kestrel HTTPS ceiling in the same rounds, and prints throughput, ratio to the ceiling, the server's CPU
# per response, resident memory and size for each build.
#
#   bench/compare-builds.sh [ROUNDS] [SECONDS]      (default 3 rounds of 10 s per server, after 5 s of warm-up each)
#   BUILDS="aot jit" bench/compare-builds.sh         any of the builds below (default: all the machine can run)
#
# Builds (each with its own intermediate folders: artifacts/{obj,bin}/*/release_linux-x64_<build>):
#   aot        the shipped build: NativeAOT for the x86-64 baseline, checks for more at run time (webhook/publish.sh)
#   aot-v3     NativeAOT with IlcInstructionSet=x86-64-v3 (AVX2 compiled in; refuses to start without it)
#   aot-speed  NativeAOT with OptimizationPreference=Speed
#   jit        self-contained, not AOT: the JIT with tiered compilation and dynamic PGO
#   r2r        the same with ReadyToRun code for start-up, re-jitted when hot
# Every server runs with Warning logs. In each round the ceiling runs first, then the builds and "answer-sized" (the
# ceiling answering with the webhook's injected AdmissionReview, about 3.9 KB, instead of 130 bytes: what the answer's
# size costs by itself) in an order that rotates from round to round. Output: artifacts/bench/builds/{results.md,runs.jsonl}.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-10}
out=artifacts/bench/builds
rid=${RID:-linux-x64}
rm -rf "$out/certs" "$out/runs.jsonl" "$out/.ports" "$out/injected-answer.json"
mkdir -p "$out/home"
avx2=0; grep -qw avx2 /proc/cpuinfo && avx2=1
builds=${BUILDS:-"aot $([ "$avx2" = 1 ] && echo aot-v3) aot-speed jit r2r"}

props() { # BUILD -> the MSBuild arguments of that build
  case $1 in
    aot) echo "" ;;
    aot-v3) echo "-p:IlcInstructionSet=x86-64-v3" ;;
    aot-speed) echo "-p:OptimizationPreference=Speed" ;;
    jit) echo "-p:PublishAot=false -p:EnableConfigurationBindingGenerator=true --self-contained" ;;
    r2r) echo "-p:PublishAot=false -p:EnableConfigurationBindingGenerator=true --self-contained -p:PublishReadyToRun=true" ;;
    *) echo "unknown build $1 (aot aot-v3 aot-speed jit r2r)" >&2; return 2 ;;
  esac
}
for build in $builds; do props "$build" >/dev/null; done
if [[ " $builds " == *" aot-v3 "* ]] && [ "$avx2" = 0 ]; then echo "aot-v3 needs a CPU with AVX2" >&2; exit 2; fi

webhook/ensure-aot-toolchain.sh
for build in $builds; do
  echo "[builds] publishing $build" >&2
  # shellcheck disable=SC2046 # props are separate words on purpose
  dotnet publish webhook/SingleActive.Webhook/SingleActive.Webhook.csproj -c Release -r "$rid" -o "$out/$build" --nologo -v quiet \
    -p:DebugType=none -p:StripSymbols=true -p:ArtifactsPivots="release_${rid}_$build" $(props "$build") >"$out/publish-$build.log" 2>&1 \
    || { echo "publishing $build failed; see $out/publish-$build.log" >&2; exit 1; }
done
dotnet publish bench/SingleActive.Bench.Baseline -c Release -r "$rid" -o "$out/ceiling" --nologo -v quiet -p:DebugType=none -p:StripSymbols=true \
  >"$out/publish-ceiling.log" 2>&1 || { echo "publishing the ceiling failed; see $out/publish-ceiling.log" >&2; exit 1; }
dotnet publish bench/SingleActive.Bench.Load -c Release -o "$out/load" --nologo -v quiet \
  >"$out/publish-load.log" 2>&1 || { echo "publishing the load generator failed; see $out/publish-load.log" >&2; exit 1; }
load="$out/load/single-active-bench-load"
first=${builds%% *}
"$out/$first/single-active-webhook" certs --out "$out/certs" --ip 127.0.0.1 --dns localhost >/dev/null
ca="$out/certs/ca.crt"

# shellcheck source=bench/free-port.sh
source bench/free-port.sh
# shellcheck source=bench/admission-bodies.sh
source bench/admission-bodies.sh
declare -A port pid
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
wait_ready() { # URL
  for _ in $(seq 1 150); do curl -fsS --cacert "$ca" "$1" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "timed out waiting for $1" >&2; return 1
}
for build in $builds; do
  port[$build]=$(free_port "$out")
  env -u KUBECONFIG HOME="$out/home" SINGLE_ACTIVE_IMAGE=registry.example/single-active:bench "$out/$build/single-active-webhook" \
    --tls-cert-file "$out/certs/tls.crt" --tls-private-key-file "$out/certs/tls.key" --port "${port[$build]}" --bind 127.0.0.1 \
    --Logging:LogLevel:Default=Warning >"$out/webhook-$build.log" 2>&1 &
  pid[$build]=$!; pids+=($!)
  wait_ready "https://127.0.0.1:${port[$build]}/readyz"
done
port[ceiling]=$(free_port "$out")
"$out/ceiling/single-active-bench-baseline" --tls-cert-file "$out/certs/tls.crt" --tls-private-key-file "$out/certs/tls.key" \
  --port "${port[ceiling]}" >"$out/ceiling.log" 2>&1 &
pid[ceiling]=$!; pids+=($!)
wait_ready "https://127.0.0.1:${port[ceiling]}/healthz"

# The ceiling again, answering with the first build's smallest injected answer (about 3.9 KB) instead of its
# 130-byte one: what the answer's size costs by itself. It rotates with the builds.
"$load" --url "https://127.0.0.1:${port[$first]}/mutate" --ca "$ca" --dry-run "${admission_bodies[@]}" --warmup 0 --label answer \
  --saturate --duration 1 --connections 1 --save-response "$out/injected-answer.json" >/dev/null 2>>"$out/load.log" \
  || { echo "saving $first's injected answer failed; see $out/load.log" >&2; exit 1; }
port[answer-sized]=$(free_port "$out")
"$out/ceiling/single-active-bench-baseline" --tls-cert-file "$out/certs/tls.crt" --tls-private-key-file "$out/certs/tls.key" \
  --port "${port[answer-sized]}" --response "$out/injected-answer.json" >"$out/ceiling-answer-sized.log" 2>&1 &
pid[answer-sized]=$!; pids+=($!)
wait_ready "https://127.0.0.1:${port[answer-sized]}/healthz"

read -ra order <<<"answer-sized $builds"
declare -A rss
for round in $(seq 1 "$rounds"); do
  for server in ceiling "${order[@]}"; do
    "$load" --url "https://127.0.0.1:${port[$server]}/mutate" --ca "$ca" --dry-run "${admission_bodies[@]}" \
      --warmup 5 --label "$server#$round" --saturate --duration "$seconds" --connections 16 \
      --server-pid "${pid[$server]}" --json-out "$out/runs.jsonl" 2>>"$out/load.log" | tail -n1
    now=$(awk '/VmRSS/ {print $2}' "/proc/${pid[$server]}/status")
    [ "${rss[$server]:-0}" -ge "$now" ] || rss[$server]=$now
  done
  order=("${order[@]:1}" "${order[0]}")
done

{
  echo "webhook builds, $(date -u +%Y-%m-%dT%H:%MZ), $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n1) ($(nproc) cores)," \
    "$rounds rounds of $seconds s saturation (16 connections) per server"
  echo
  sizes=()
  for server in ceiling answer-sized $builds; do
    sizes+=("$server:${rss[$server]}:$(du -sb "$out/${server/answer-sized/ceiling}" | cut -f1)")
  done
  python3 - "$out/runs.jsonl" "${sizes[@]}" <<'PY'
import json, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
by = {}
for run in runs:
    name, n = run["label"].rsplit("#", 1)
    by.setdefault(name, {})[int(n)] = run
rounds = sorted(by["ceiling"])
print("| build | " + " | ".join(f"round {n}: req/s (of ceiling)" for n in rounds)
      + " | mean of ceiling | server CPU us/response | max RSS MiB | size MiB |")
print("|---|" + "---:|" * (len(rounds) + 4))
for item in sys.argv[2:]:
    name, rss, size = item.split(":")
    cells, ratios, cpus = [], [], []
    for n in rounds:
        rate, ceiling = by[name][n]["achievedRate"], by["ceiling"][n]["achievedRate"]
        ratios.append(rate / ceiling)
        cpus.append(f'{by[name][n].get("serverCpuUs", float("nan")):.0f}')
        cells.append(f"{rate:,.0f} ({rate / ceiling:.0%})")
    print(f"| {name} | " + " | ".join(cells) + f" | {sum(ratios) / len(ratios):.0%} | {' / '.join(cpus)}"
          + f" | {int(rss) / 1024:.0f} | {int(size) / 1048576:.1f} |")
PY
} | tee "$out/results.md"

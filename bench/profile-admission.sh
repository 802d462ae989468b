#!/usr/bin/env bash
# Where the webhook's CPU goes per admission request: publishes the NativeAOT webhook with its symbols, saturates it
# with the bench's load generator (the same three dry-run pod bodies as bench/run.sh section 1) under
# `perf record -g`, and prints each piece of the request path with its inclusive share of the webhook's CPU.
#
#   bench/profile-admission.sh [--opt-out] [SECONDS]      (default 25 s; needs perf: apt-get install linux-perf)
#
# --opt-out sends the same bodies with the pod's annotation "false" (read and answered, nothing injected).
# Output: artifacts/bench/profile/{perf.data,report.txt}.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/admission-bodies.sh
source bench/admission-bodies.sh
opt_out=""; if [ "${1:-}" = --opt-out ]; then opt_out=--opt-out; shift; fi
seconds=${1:-25}
[ "$seconds" -gt 10 ] || { echo "SECONDS must be above 10 (5 s warm-up, then recording)" >&2; exit 2; }
out=artifacts/bench/profile; mkdir -p "$out/bin" "$out/home"
command -v perf >/dev/null || { echo "perf is not installed (apt-get install linux-perf)" >&2; exit 2; }

webhook/ensure-aot-toolchain.sh
echo "[profile] publishing the webhook with symbols -> $out/bin" >&2
dotnet publish webhook/SingleActive.Webhook/SingleActive.Webhook.csproj -c Release -r "${RID:-linux-x64}" -o "$out/bin" \
  --nologo -v quiet -p:StripSymbols=false >/dev/null
load=artifacts/bench/tools/Load/single-active-bench-load
dotnet publish bench/SingleActive.Bench.Load -c Release -o artifacts/bench/tools/Load --nologo -v quiet >/dev/null
"$out/bin/single-active-webhook" certs --out "$out/certs" --ip 127.0.0.1 --dns localhost >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18443)
env -u KUBECONFIG HOME="$out/home" SINGLE_ACTIVE_IMAGE=registry.example/single-active:bench "$out/bin/single-active-webhook" \
  --tls-cert-file "$out/certs/tls.crt" --tls-private-key-file "$out/certs/tls.key" --port "$port" --bind 127.0.0.1 \
  --Logging:LogLevel:Default=Warning >"$out/webhook.log" 2>&1 &
webhook=$!
trap 'kill $webhook 2>/dev/null || true' EXIT
ready=0
for _ in $(seq 1 100); do
  if curl -fsk --cacert "$out/certs/ca.crt" "https://127.0.0.1:$port/readyz" >/dev/null 2>&1; then ready=1; break; fi
  sleep 0.2
done
[ "$ready" = 1 ] || { echo "the webhook did not become ready; see $out/webhook.log" >&2; exit 1; }

# The first 5 s warm up (not recorded); perf records the webhook alone for the rest.
(sleep 5; perf record -F 2000 -g -p "$webhook" -o "$out/perf.data" -- sleep $((seconds - 7)) >"$out/perf-record.log" 2>&1) &
recorder=$!
"$load" --url "https://127.0.0.1:$port/mutate" --ca "$out/certs/ca.crt" --dry-run $opt_out "${admission_bodies[@]}" \
  --warmup 5 --label profile --saturate --duration "$seconds" --connections 16 2>/dev/null | tail -n1
wait "$recorder" || { echo "perf record failed (perf_event_paranoid?); see $out/perf-record.log" >&2; exit 1; }

# Inclusive share (children) of each piece of the request path, as perf attributes samples to symbols.
perf report -i "$out/perf.data" --children --sort symbol -g none 2>/dev/null >"$out/report.txt"
# One line per piece: the symbol's inclusive share (the async state machine's MoveNext for async methods).
pieces='^(Microsoft_AspNetCore_Server_Kestrel_Core_Microsoft_AspNetCore_Server_Kestrel_Core_Internal_Http_HttpProtocol__ProcessRequests_d__[0-9_]+<System___Canon>__MoveNext'
pieces+='|single_active_webhook_SingleActive_Webhook_(Serving_AdmissionEndpoint__HandleAsync_d__[0-9]+__MoveNext|AdmissionReviews_AdmissionReviewReader__ReadAsync_d__[0-9]+__MoveNext'
pieces+='|AdmissionReviews_AdmissionReviewDocument__Parse|Injection_PodOutline__Read|Injection_PodReader__Read|Injection_PodInjector__Decide|Injection_PodInjector__Render'
pieces+='|Patching_PodPatchWriter__Write|Injection_PodRenderer__Plan)'
pieces+='|System_Text_Json_System_Text_Json_JsonSerializer__SerializeToUtf8Bytes_1<System___Canon>'
pieces+='|Microsoft_AspNetCore_Server_Kestrel_Core_Microsoft_AspNetCore_Server_Kestrel_Core_Internal_Http_HttpResponseStream__WriteAsync_0)$'
echo "inclusive share of the webhook's CPU (perf, $(date -u +%H:%M) UTC, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n1)):"
awk -v pieces="$pieces" '{ for (i = 1; i <= NF; i++) if ($i == "[.]") { if ($(i + 1) ~ pieces) print $1, $(i + 1); break } }' "$out/report.txt" \
  | sed -E 's/single_active_webhook_SingleActive_Webhook_//; s/System_Text_Json_System_Text_Json_//; s/Microsoft_AspNetCore_Server_Kestrel_Core_Microsoft_AspNetCore_Server_Kestrel_Core_//' \
  | awk '{ printf "  %7s  %s\n", $1, $2 }'
echo "full report: $out/report.txt (perf report -i $out/perf.data for the call graph)"

#!/usr/bin/env bash
# Benchmarks: prints the machine and every figure, and writes them to artifacts/bench/results.md.
#
#   bench/run.sh                     # everything (about 12-15 minutes on 2 cores)
#   BENCH_SECTIONS="admission" bench/run.sh      # any of: admission e2e elector handover maintenance
#
#   (1) admission  the published (NativeAOT) webhook vs a Kestrel HTTPS baseline that only reads the
#                  body and returns a fixed AdmissionReview (the ceiling): 200 and 1,000 req/s open
#                  loop, then saturation; p50/p99/p99.9, throughput, saturation/ceiling ratio. The same
#                  ceiling answering with the webhook's own injected answer (about 4 KB) shows what the
#                  answer's size costs by itself (saturation only).
#   (2) e2e        real pod creates through a real kube-apiserver, webhook registered vs not (ratio).
#   (3) elector    our elector vs KubernetesClient's LeaderElector with a ready flag, 3 replicas each:
#                  idle RSS/CPU, graceful handover, crash failover, API-server cut (two-ready window).
#   (4) handover   the end-to-end handover scenarios on the kubelet stand-in (three nodes, pods in their own
#                  network namespaces, IPv6): kubectl get endpoints timelines (every 100 ms and every watched
#                  version) for pod deletion, app-health step-down, elector SIGTERM, node partition and frozen
#                  connections, in both modes and with a slow-stopping app; figures from artifacts/e2e/*.tsv.
#   (5) maintenance `kubectl cordon` + `kubectl drain` of the leader's node under a PDB (readiness mode) and
#                  `kubectl rollout restart` (both modes), on the same stand-in, with the binaries of this tree
#                  and, as the baseline in the same run, those of BENCH_MAINTENANCE_BASELINE (default: the last
#                  commit before drain- and rollout-aware handovers; built once into artifacts/bench/baseline):
#                  handovers (the Lease's leaseTransitions), time without an address, whether the drain finished.
#
# Sections (1) and (3) also run the binaries of BENCH_PREVIOUS (default 03a5686: the commit before issue 17's admission
# work; built once into artifacts/bench/baseline/REV) in the same run, labelled "webhook-previous"
# and "previous": a refactoring shows its cost as a same-run ratio, not against figures from another day.
#
# Knobs (seconds): BENCH_DURATION (20, per fixed-rate run), BENCH_SATURATION (15), BENCH_WARMUP (5),
# BENCH_IDLE (60), BENCH_E2E_PODS (100 per phase, 6 phases); BENCH_SKIP_PUBLISH=1 reuses the last
# published binaries. Every process started here is stopped by pid.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out="$root/artifacts/bench"
sections=${BENCH_SECTIONS:-"admission e2e elector handover maintenance"}
duration=${BENCH_DURATION:-20}
saturation=${BENCH_SATURATION:-15}
warmup=${BENCH_WARMUP:-5}
idle=${BENCH_IDLE:-60}
e2e_pods=${BENCH_E2E_PODS:-100}
previous_ref=${BENCH_PREVIOUS:-03a5686}

log() { echo "[bench] $*" >&2; }
want() { [[ " $sections " == *" $1 "* ]]; }

# Results of sections not run this time are kept, so a section can be re-run alone.
rm -rf "$out/certs" "$out/run/control-plane" "$out/run/elector" "$out/run/.ports"
mkdir -p "$out/run" "$out/home"
admission_json="$out/run/admission.jsonl"
machine="$out/run/machine.txt"
for section in $sections; do
  case $section in
    admission) : >"$admission_json" ;;
    e2e|elector) : >"$out/run/figures-$section.jsonl" ;;
    handover) : >"$out/run/handover.md" ;;
    maintenance) : >"$out/run/maintenance.md" ;;
    *) log "unknown section $section (admission e2e elector handover maintenance)"; exit 2 ;;
  esac
done

pids=()
control_plane=""
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ -n "$control_plane" ]; then tests/envtest/control-plane.sh stop "$control_plane" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# shellcheck source=bench/free-port.sh
source "$root/bench/free-port.sh"
# shellcheck source=bench/admission-bodies.sh
source "$root/bench/admission-bodies.sh"

wait_https() { # URL CA
  for _ in $(seq 1 150); do
    curl -fsS --cacert "$2" "$1" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  log "timed out waiting for $1"; return 1
}

# The published binaries of another commit, built once and kept in artifacts/bench/baseline/REV.
baseline_binaries() { # REV -> prints the directory
  local ref=$1 dir="$out/baseline/$1" src="$out/baseline/src"
  if [ ! -x "$dir/single-active-elector" ]; then
    log "building the binaries of $ref (once; kept in $dir)"
    git worktree remove --force "$src" >/dev/null 2>&1 || rm -rf "$src"
    git worktree add --detach "$src" "$ref" >/dev/null
    (cd "$src" && webhook/publish.sh "$dir") >"$out/run/baseline-publish-$ref.log" 2>&1
    git worktree remove --force "$src"
  fi
  echo "$dir"
}

# ---------------------------------------------------------------- machine
{
  echo "date:        $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu:         $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n1) ($(nproc) cores visible)"
  echo "memory:      $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel:      $(uname -r)"
  echo "os:          $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo ".NET SDK:    $(dotnet --version)"
  echo ".NET runtime: $(dotnet --list-runtimes | sed -n 's/^Microsoft.NETCore.App \([^ ]*\).*/\1/p' | tail -n1)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
} >"$machine"
echo "=== machine ==="; cat "$machine"

# ---------------------------------------------------------------- publish
pub="$out/publish"; tools="$out/tools"
if [ "${BENCH_SKIP_PUBLISH:-0}" = 1 ] && [ -x "$pub/single-active-webhook" ] && [ -x "$tools/Runner/single-active-bench-runner" ]; then
  log "BENCH_SKIP_PUBLISH=1: reusing $pub and $tools"
else
  log "publishing the webhook and elector (NativeAOT, Release) -> $pub"
  webhook/publish.sh "$pub" >/dev/null
  log "publishing the baseline server (NativeAOT) and the bench tools"
  dotnet publish bench/SingleActive.Bench.Baseline -c Release -r "${RID:-linux-x64}" -o "$pub" --nologo -v quiet -p:DebugType=none -p:StripSymbols=true >/dev/null
  for tool in Load Runner LeaderElectorBaseline; do
    dotnet publish "bench/SingleActive.Bench.$tool" -c Release -o "$tools/$tool" --nologo -v quiet >/dev/null
  done
fi
load="$tools/Load/single-active-bench-load"
runner="$tools/Runner/single-active-bench-runner"
{
  echo "webhook:     $(stat -c %s "$pub/single-active-webhook" | awk '{printf "%.1f MiB", $1/1048576}') (NativeAOT)"
  echo "elector:     $(stat -c %s "$pub/single-active-elector" | awk '{printf "%.1f MiB", $1/1048576}') (NativeAOT)"
} >>"$machine"
prev_pub=""
if want admission || want elector; then
  prev_pub=$(baseline_binaries "$previous_ref")
  {
    echo "previous:    $previous_ref — webhook $(stat -c %s "$prev_pub/single-active-webhook" | awk '{printf "%.2f MiB", $1/1048576}'), elector $(stat -c %s "$prev_pub/single-active-elector" | awk '{printf "%.2f MiB", $1/1048576}')" \
      "(this tree: webhook $(stat -c %s "$pub/single-active-webhook" | awk '{printf "%.2f MiB", $1/1048576}'), elector $(stat -c %s "$pub/single-active-elector" | awk '{printf "%.2f MiB", $1/1048576}'))"
  } >>"$machine"
fi

"$pub/single-active-webhook" certs --out "$out/certs" --ip 127.0.0.1 --dns localhost >/dev/null
ca="$out/certs/ca.crt"

start_webhook() { # PORT [KUBECONFIG] [EXTRA FLAGS...]
  local port=$1 kubeconfig=${2:-}
  shift; if [ $# -gt 0 ]; then shift; fi
  env -u KUBECONFIG HOME="$out/home" SINGLE_ACTIVE_IMAGE=registry.example/single-active:bench ${kubeconfig:+KUBECONFIG=$kubeconfig} \
    "${webhook_bin:-$pub/single-active-webhook}" --tls-cert-file "$out/certs/tls.crt" --tls-private-key-file "$out/certs/tls.key" \
    --port "$port" --bind 127.0.0.1 "$@" >>"$out/run/webhook-$port.log" 2>&1 &
  pids+=($!)
  wait_https "https://127.0.0.1:$port/readyz" "$ca"
}

# ---------------------------------------------------------------- (1) admission
if want admission; then
  echo; echo "=== (1) admission: webhook vs baseline ceiling ==="
  webhook_port=$(free_port "$out/run"); baseline_port=$(free_port "$out/run"); quiet_port=$(free_port "$out/run")
  # No KUBECONFIG: dry-run requests run decide/render/patch in full and skip only the ServiceAccount
  # side effect, which a cluster pays once per namespace and the webhook caches afterwards.
  # Each server's pid, so the saturation runs also report its CPU time per response (--server-pid).
  declare -A server_pid
  start_webhook "$webhook_port"; server_pid[webhook]=${pids[-1]}
  # The same binary with per-request Information logs off, to show what they cost.
  start_webhook "$quiet_port" "" "--Logging:LogLevel:Default=Warning"; server_pid[webhook-log-warning]=${pids[-1]}
  # The previous commit's webhook, same flags (see BENCH_PREVIOUS).
  previous_port=$(free_port "$out/run")
  webhook_bin="$prev_pub/single-active-webhook" start_webhook "$previous_port"; server_pid[webhook-previous]=${pids[-1]}
  "$pub/single-active-bench-baseline" --tls-cert-file "$out/certs/tls.crt" --tls-private-key-file "$out/certs/tls.key" --port "$baseline_port" >>"$out/run/baseline.log" 2>&1 &
  pids+=($!); server_pid[baseline]=$!
  wait_https "https://127.0.0.1:$baseline_port/healthz" "$ca"
  run_load() { # LABEL PORT ARGS...
    local label=$1 port=$2; shift 2
    "$load" --url "https://127.0.0.1:$port/mutate" --ca "$ca" --dry-run "${admission_bodies[@]}" --warmup "$warmup" \
      --label "$label" --json-out "$admission_json" "$@" 2>>"$out/run/load.log"
  }
  answer="$out/run/injected-answer.json"; rm -f "$answer"
  for rate in 200 1000; do
    for server in baseline webhook; do
      port=$baseline_port; [ "$server" = webhook ] && port=$webhook_port
      # The webhook's first run keeps its smallest injected answer for the answer-sized ceiling below.
      save=(); if [ "$server" = webhook ] && [ ! -f "$answer" ]; then save=(--save-response "$answer"); fi
      run_load "$server" "$port" --rate "$rate" --duration "$duration" --connections 8 \
        --histogram-out "$out/run/histogram-$server-$rate.tsv" "${save[@]}"
    done
  done
  # The same ceiling answering with the webhook's injected AdmissionReview (about 4 KB, its patch base64-encoded)
  # instead of a 130-byte one: what sending such an answer costs any injector over this transport, on both sides.
  sized_port=$(free_port "$out/run")
  "$pub/single-active-bench-baseline" --tls-cert-file "$out/certs/tls.crt" --tls-private-key-file "$out/certs/tls.key" --port "$sized_port" \
    --response "$answer" >>"$out/run/baseline-answer-sized.log" 2>&1 &
  pids+=($!); server_pid[baseline-answer-sized]=$!
  wait_https "https://127.0.0.1:$sized_port/healthz" "$ca"
  run_load "webhook-log-warning" "$quiet_port" --rate 1000 --duration "$duration" --connections 8
  run_load "webhook-previous" "$previous_port" --rate 1000 --duration "$duration" --connections 8 \
    --histogram-out "$out/run/histogram-webhook-previous-1000.tsv"
  for server in baseline baseline-answer-sized webhook webhook-log-warning webhook-previous; do
    case $server in
      baseline) port=$baseline_port ;; baseline-answer-sized) port=$sized_port ;; webhook) port=$webhook_port ;;
      webhook-previous) port=$previous_port ;; *) port=$quiet_port ;;
    esac
    run_load "$server" "$port" --saturate --duration "$saturation" --connections 16 --server-pid "${server_pid[$server]}"
  done
  # The same bodies with the pod's annotation "false": read, decided and answered, nothing injected;
  # splits the webhook's cost per request into serving and injection.
  run_load "webhook-opted-out" "$webhook_port" --saturate --duration "$saturation" --connections 16 --opt-out --server-pid "${server_pid[webhook]}"
  cleanup; pids=()
fi

# ---------------------------------------------------------------- control plane for (2) and (3)
if want e2e || want elector; then
  control_plane="$out/run/control-plane"
  log "starting a control plane in $control_plane"
  SINGLE_ACTIVE_OWNER_PID=$$ tests/envtest/control-plane.sh start "$control_plane" >/dev/null
  kubeconfig="$control_plane/kubeconfig"
  # The ClusterRole the webhook binds each elector ServiceAccount to.
  KUBECONFIG="$kubeconfig" kubectl apply -f deploy/base/clusterrole-elector.yaml >/dev/null
fi

# ---------------------------------------------------------------- (2) end to end
if want e2e; then
  echo; echo "=== (2) end to end: pod creation through kube-apiserver, webhook registered vs not ==="
  port=$(free_port "$out/run")
  start_webhook "$port" "$kubeconfig"
  "$runner" e2e "$kubeconfig" "https://127.0.0.1:$port/mutate" "$ca" "$out/run/figures-e2e.jsonl" "$e2e_pods" 20
  kill -TERM "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'
fi

# ---------------------------------------------------------------- (3) elector
if want elector; then
  echo; echo "=== (3) elector: ours vs KubernetesClient LeaderElector, 3 replicas each ==="
  "$runner" elector "$kubeconfig" "$out/run/elector" "$out/run/figures-elector.jsonl" \
    "ours=$pub/single-active-elector" "leaderelector=$tools/LeaderElectorBaseline/single-active-bench-leaderelector" \
    "previous=$prev_pub/single-active-elector" \
    --idle "$idle"
fi

# ---------------------------------------------------------------- (4) handover on the kubelet stand-in
if want handover; then
  echo; echo "=== (4) handover on the kubelet stand-in: endpoints timelines ==="
  cleanup; pids=(); control_plane=""
  scenarios="FullyQualifiedName~SingleLeaderScenarioTests.DeleteLeaderPod|FullyQualifiedName~FencingScenarioTests|FullyQualifiedName~RealNodeScenarioTests.DeleteLeaderPod"
  rm -f artifacts/e2e/scenario2-delete-leader.tsv artifacts/e2e/fence-*.tsv artifacts/e2e/slow-stop-*.tsv
  SINGLE_ACTIVE_PUBLISH_DIR="$pub" dotnet test tests/SingleActive.E2E.Tests -c Release --nologo --filter "$scenarios" \
    >"$out/run/handover-tests.log" 2>&1 || log "a handover scenario failed (its figures are still listed): $out/run/handover-tests.log"
  {
    echo "### Handover on the kubelet stand-in"
    echo
    echo "Regular-container elector (a 1.20 API server cannot store a native sidecar), default timings (lease 15 s, renew deadline 10 s,"
    echo "retry 2 s), 3 replicas on 3 nodes, IPv6-only pods. Each line: the scenario, the measured handovers, the most addresses at"
    echo "once in any 100 ms sample or watched Endpoints version, and the longest time without an address."
    echo
    for tsv in artifacts/e2e/scenario2-delete-leader.tsv artifacts/e2e/slow-stop-*.tsv artifacts/e2e/fence-*.tsv; do
      [ -f "$tsv" ] || continue
      title=$(head -n1 "$tsv" | sed 's/^# //; s/: endpoints of .*//')
      summary=$(grep '^# max ready' "$tsv" | sed 's/^# //')
      echo "- $title — $summary"
    done
  } >"$out/run/handover.md"
  cat "$out/run/handover.md"
fi

# ---------------------------------------------------------------- (5) maintenance: before and after
if want maintenance; then
  echo; echo "=== (5) maintenance on the kubelet stand-in: drain under a PDB, rollout restart; baseline vs this tree ==="
  cleanup; pids=(); control_plane=""
  baseline_ref=${BENCH_MAINTENANCE_BASELINE:-ca72c42}
  base_pub=$(baseline_binaries "$baseline_ref")
  rm -f "$out/run/maintenance-"*.tsv
  for phase in baseline this; do
    dir=$([ "$phase" = baseline ] && echo "$base_pub" || echo "$pub")
    rm -f artifacts/e2e/drain-*.tsv artifacts/e2e/rollout-restart-*.tsv artifacts/e2e/scale-in-*.tsv
    SINGLE_ACTIVE_PUBLISH_DIR="$dir" dotnet test tests/SingleActive.E2E.Tests -c Release --nologo --filter "FullyQualifiedName~MaintenanceScenarioTests" \
      >"$out/run/maintenance-$phase.log" 2>&1 || log "a maintenance scenario failed with the $phase binaries (its figures are still listed): $out/run/maintenance-$phase.log"
    for tsv in artifacts/e2e/drain-*.tsv artifacts/e2e/scale-in-*.tsv artifacts/e2e/rollout-restart-*.tsv; do
      [ -f "$tsv" ] && cp "$tsv" "$out/run/maintenance-$phase-$(basename "$tsv")"
    done
  done
  {
    echo "### Maintenance on the kubelet stand-in: drains and rollouts"
    echo
    echo "Same stand-in and timings as (4); 3 replicas. Baseline: the binaries of $baseline_ref (before drain- and rollout-aware"
    echo "handovers), built and run in this same run against the same control plane and test code. Each line: the scenario as"
    echo "its timeline titles it (handovers counted from the Lease's leaseTransitions), then the most addresses at once."
    for phase in baseline this; do
      echo
      echo "$([ "$phase" = baseline ] && echo "Baseline ($baseline_ref):" || echo "This tree:")"
      echo
      for tsv in "$out/run/maintenance-$phase-"*.tsv; do
        [ -f "$tsv" ] || continue
        title=$(head -n1 "$tsv" | sed 's/^# //; s/: endpoints of .*//')
        summary=$(grep '^# max ready' "$tsv" | sed 's/^# //')
        echo "- $title — $summary"
      done
    done
  } >"$out/run/maintenance.md"
  cat "$out/run/maintenance.md"
fi

echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)" >>"$machine"
echo; echo "=== report: $out/results.md ==="
"$runner" report "$machine" "$admission_json" "$out/run" "$out/results.md"
if [ -s "$out/run/handover.md" ]; then { echo; cat "$out/run/handover.md"; } >>"$out/results.md"; fi
if [ -s "$out/run/maintenance.md" ]; then { echo; cat "$out/run/maintenance.md"; } >>"$out/results.md"; fi

#!/usr/bin/env bash
# Starts and stops a real, throw-away Kubernetes control plane on loopback:
# etcd, kube-apiserver, kube-controller-manager and kube-scheduler (built once by
# build-control-plane.sh), on free ports, with every file in one directory.
#
#   control-plane.sh start DIR   # prints DIR/env's contents; writes DIR/kubeconfig, DIR/env, DIR/pids
#   control-plane.sh stop DIR    # stops every process recorded in DIR/pids (TERM, then KILL)
#
# Environment:
#   SINGLE_ACTIVE_CONTROL_PLANE_BIN  directory with the three binaries (default: build-control-plane.sh's answer)
#   SINGLE_ACTIVE_OWNER_PID          when set, a watchdog stops the control plane once that process is gone,
#                                    so a crashed test run never leaves servers behind
#   ETCD                             etcd binary (default: etcd on PATH)
#   SINGLE_ACTIVE_SERVICE_CIDR       Services' cluster IP range (default 10.0.0.0/24); an IPv6 range for an
#                                    IPv6-only cluster, "v4range,v6range" for dual-stack (turns on the
#                                    IPv6DualStack feature gate, alpha in 1.20, in the API server and the
#                                    controller-manager)
#   SINGLE_ACTIVE_NODE_LIFECYCLE     "on": run the node lifecycle controller too (its defaults: a node without a
#                                    heartbeat for 40 s is Unknown, tainted, its pods marked not ready). Only for
#                                    nodes that heartbeat as a kubelet does (the end-to-end suite's kubelet
#                                    stand-in); off by default, for suites that write Node objects as plain data.
#
# Every process is recorded in DIR/pids ("name pid" per line) the moment it starts; a failed
# `start` stops what it started before exiting. Nothing listens on anything but 127.0.0.1.
# The flags and their reasons: docs/testing.md.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
log() { echo "[control-plane] $*" >&2; }
die() { log "error: $*"; exit 1; }

usage() { echo "usage: $0 start DIR | stop DIR" >&2; exit 2; }

# Sends TERM to every recorded pid, waits up to 10 s for them, then KILLs the rest. Besides the
# control plane's own DIR/pids, DIR/children.pids lists processes the test harness started
# (webhook, electors); it keeps that file current, so a stale pid is never signalled.
stop_all() {
  local dir=$1 pids=() name pid file
  for file in "$dir/children.pids" "$dir/pids"; do
    [ -f "$file" ] || continue
    while read -r name pid; do
      [ -n "${pid:-}" ] && [ "$pid" != "$$" ] && pids+=("$pid")
    done <"$file"
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 100); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  : >"$dir/pids"; rm -f "$dir/children.pids"
}

# A port nobody listens on now. Random in a range away from the ephemeral ports the kernel
# hands out (32768-60999), so a client connection cannot grab it between here and bind(), and
# from the 10000-19999 the test and bench processes take theirs from (tests/Shared/LoopbackPorts.cs,
# bench/free-port.sh), which may be starting next to this control plane.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 12000))
    grep -qx "$port" "$dir/.ports" 2>/dev/null && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port" >>"$dir/.ports"
      echo "$port"
      return 0
    fi
  done
  die "no free loopback port found"
}

# Starts a process in its own session (so signals aimed at the caller's process group do not
# reach it) with output to DIR/logs/NAME.log, and records its pid at once.
launch() {
  local name=$1; shift
  setsid "$@" >"$dir/logs/$name.log" 2>&1 </dev/null &
  echo "$name $!" >>"$dir/pids"
}

wait_for() {
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "timed out after ${seconds}s waiting for $what (logs: $dir/logs)"
    check_alive
    sleep 0.2
  done
}

# A process that died during start-up is reported with the tail of its log.
check_alive() {
  local name pid
  while read -r name pid; do
    [ "$name" = watchdog ] && continue
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$dir/logs/$name.log" >&2 || true
      die "$name (pid $pid) exited during start-up"
    fi
  done <"$dir/pids"
}

start() {
  mkdir -p "$dir/logs" "$dir/etcd" "$dir/apiserver-certs"
  dir=$(cd "$dir" && pwd)
  [ ! -s "$dir/pids" ] || die "$dir/pids is not empty: stop that control plane first"
  : >"$dir/pids"; : >"$dir/.ports"
  trap 'status=$?; if [ $status -ne 0 ]; then log "start failed; stopping what was started"; stop_all "$dir"; fi' EXIT

  local bin=${SINGLE_ACTIVE_CONTROL_PLANE_BIN:-}
  if [ -z "$bin" ]; then
    bin=$("$here/build-control-plane.sh" | tail -n1)
  fi
  for b in kube-apiserver kube-controller-manager kube-scheduler; do
    [ -x "$bin/$b" ] || die "$bin/$b not found: run tests/envtest/build-control-plane.sh (or set SINGLE_ACTIVE_CONTROL_PLANE_BIN)"
  done
  local etcd_bin=${ETCD:-$(command -v etcd || true)}
  [ -x "$etcd_bin" ] || die "etcd not found: apt-get install etcd-server (build-control-plane.sh installs it)"
  command -v openssl >/dev/null || die "openssl not found: apt-get install openssl"
  command -v kubectl >/dev/null || die "kubectl not found"
  command -v curl >/dev/null || die "curl not found"

  local service_cidr=${SINGLE_ACTIVE_SERVICE_CIDR:-10.0.0.0/24} gates=()
  case "$service_cidr" in *,*) gates=(--feature-gates=IPv6DualStack=true) ;; esac

  local etcd_port etcd_peer_port api_port
  etcd_port=$(free_port); etcd_peer_port=$(free_port); api_port=$(free_port)

  # Credentials: a static admin token and the service-account signing key pair.
  local token
  token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  echo "$token,admin,admin,system:masters" >"$dir/tokens.csv"
  openssl genrsa -out "$dir/sa.key" 2048 2>/dev/null
  openssl rsa -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null
  chmod 600 "$dir/tokens.csv" "$dir/sa.key"

  launch etcd "$etcd_bin" --name single-active-e2e --data-dir "$dir/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster "single-active-e2e=http://127.0.0.1:$etcd_peer_port" \
    --unsafe-no-fsync --quota-backend-bytes=2147483648
  wait_for "etcd" 30 curl -fsS "http://127.0.0.1:$etcd_port/health"

  launch kube-apiserver "$bin/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --cert-dir "$dir/apiserver-certs" --token-auth-file "$dir/tokens.csv" \
    --authorization-mode RBAC \
    --service-account-key-file "$dir/sa.pub" --service-account-signing-key-file "$dir/sa.key" \
    --service-account-issuer https://kubernetes.default.svc \
    --service-cluster-ip-range "$service_cidr" --allow-privileged=true "${gates[@]}"
  wait_for "kube-apiserver /readyz" 90 curl -fsSk -H "Authorization: Bearer $token" "https://127.0.0.1:$api_port/readyz"

  # The generated serving certificate file holds the leaf and then its self-signed CA. Clients get
  # the CA alone: KubernetesClient.Aot trusts only the first certificate of a CA bundle.
  local served="$dir/apiserver-certs/apiserver.crt" ca="$dir/ca.crt"
  [ -s "$served" ] || die "kube-apiserver wrote no serving certificate to $dir/apiserver-certs"
  awk '/-----BEGIN CERTIFICATE-----/ {n++; buf=""} {buf = buf $0 "\n"} /-----END CERTIFICATE-----/ {last=buf} END {printf "%s", last}' "$served" >"$ca"
  if [ "$(openssl x509 -in "$ca" -noout -subject | sed 's/^subject=//')" != "$(openssl x509 -in "$ca" -noout -issuer | sed 's/^issuer=//')" ]; then
    die "the last certificate in $served is not the self-signed CA"
  fi
  local kubeconfig="$dir/kubeconfig"
  KUBECONFIG="$kubeconfig" kubectl config set-cluster local --server "https://127.0.0.1:$api_port" \
    --certificate-authority "$ca" --embed-certs=true >/dev/null
  KUBECONFIG="$kubeconfig" kubectl config set-credentials admin --token "$token" >/dev/null
  KUBECONFIG="$kubeconfig" kubectl config set-context local --cluster local --user admin >/dev/null
  KUBECONFIG="$kubeconfig" kubectl config use-context local >/dev/null
  chmod 600 "$kubeconfig"

  # Controllers that need a real kubelet/cloud (or would fight the process kubelet) are off. The node lifecycle
  # controller only on request (SINGLE_ACTIVE_NODE_LIFECYCLE=on), with its defaults: it needs heartbeating nodes.
  local controllers='*,-nodeipam,-attachdetach,-persistentvolume-binder,-ttl,-bootstrapsigner,-tokencleaner'
  case "${SINGLE_ACTIVE_NODE_LIFECYCLE:-off}" in
    on) ;;
    off) controllers+=',-nodelifecycle' ;;
    *) die "SINGLE_ACTIVE_NODE_LIFECYCLE must be on or off, not '$SINGLE_ACTIVE_NODE_LIFECYCLE'" ;;
  esac
  launch kube-controller-manager "$bin/kube-controller-manager" \
    --kubeconfig "$kubeconfig" --service-account-private-key-file "$dir/sa.key" --root-ca-file "$ca" \
    --use-service-account-credentials=false \
    --leader-elect=false --secure-port=0 --port=0 "${gates[@]}" \
    --controllers="$controllers"
  launch kube-scheduler "$bin/kube-scheduler" \
    --kubeconfig "$kubeconfig" --leader-elect=false --secure-port=0 --port=0

  # Namespaces get their `default` ServiceAccount from the controller-manager: wait for it,
  # which also proves the controller-manager talks to the API server.
  wait_for "the default ServiceAccount (kube-controller-manager)" 90 \
    env KUBECONFIG="$kubeconfig" kubectl get serviceaccount default -n default

  cat >"$dir/env" <<ENV
KUBECONFIG=$kubeconfig
SINGLE_ACTIVE_API_SERVER=https://127.0.0.1:$api_port
SINGLE_ACTIVE_API_CA=$ca
SINGLE_ACTIVE_CONTROL_PLANE_DIR=$dir
ENV

  if [ -n "${SINGLE_ACTIVE_OWNER_PID:-}" ]; then
    # A detached watchdog: when the owner dies without calling `stop`, stop for it.
    setsid bash -c 'while kill -0 "$1" 2>/dev/null && [ -s "$2/pids" ]; do sleep 1; done; "$3" stop "$2"' \
      watchdog "$SINGLE_ACTIVE_OWNER_PID" "$dir" "$here/control-plane.sh" >"$dir/logs/watchdog.log" 2>&1 </dev/null &
    echo "watchdog $!" >>"$dir/pids"
  fi

  trap - EXIT
  log "ready: https://127.0.0.1:$api_port (dir $dir)"
  cat "$dir/env"
}

[ $# -eq 2 ] || usage
dir=$2
case $1 in
  start) mkdir -p "$dir"; start ;;
  stop) [ -d "$dir" ] || exit 0; stop_all "$(cd "$dir" && pwd)"; log "stopped ($dir)" ;;
  *) usage ;;
esac

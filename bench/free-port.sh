# shellcheck shell=bash
# Sourced by bench/run.sh and bench/compare-builds.sh. free_port DIR: a loopback port nobody listens on now, for a
# server started afterwards, none given twice for DIR (the ports handed out are kept in DIR/.ports). From 10000-19999,
# the range of tests/Shared/LoopbackPorts.cs: below the kernel's range for outgoing connections (32768-60999), where any
# connection of the run (a readiness poll, a client) can take a port before the server binds it, and below
# tests/envtest/control-plane.sh's 20000-31999.
free_port() {
  local dir=$1 port
  for _ in $(seq 1 500); do
    port=$((10000 + RANDOM % 10000))
    grep -qx "$port" "$dir/.ports" 2>/dev/null && continue
    if python3 -c "import socket; socket.socket().bind(('127.0.0.1', $port))" 2>/dev/null; then
      echo "$port" >>"$dir/.ports"
      echo "$port"
      return 0
    fi
  done
  echo "no free loopback port in 10000-19999" >&2
  return 1
}

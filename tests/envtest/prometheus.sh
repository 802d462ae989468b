#!/usr/bin/env bash
# Unpacks promtool and prometheus from the distribution's `prometheus` package (Debian bookworm: 2.42), once,
# without installing the package (which would start a server): the tests check deploy/components/monitoring's alert
# rules with promtool and run the rules on a real Prometheus. Cached outside the repo, keyed by the package version;
# prints the directory on its last line. Without apt lists or network, the newest cached copy is used.
set -euo pipefail

cache_root="${SINGLE_ACTIVE_PROMETHEUS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/single-active/prometheus}"
log() { echo "[prometheus] $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
cached() { [ -x "$1/promtool" ] && [ -x "$1/prometheus" ]; }
newest_cached() {
  local dir
  dir=$(find "$cache_root" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort -V | tail -n1)
  if [ -n "$dir" ] && cached "$dir"; then log "using the cached $dir"; echo "$dir"; exit 0; fi
}

command -v apt-cache >/dev/null && command -v dpkg-deb >/dev/null \
  || { newest_cached; log "needs apt-cache and dpkg-deb (a Debian or Ubuntu machine)"; exit 1; }
candidate() { apt-cache policy prometheus 2>/dev/null | awk '/Candidate:/ {print $2; exit}'; }
version=$(candidate)
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
  as_root apt-get update -qq || true
  version=$(candidate)
fi
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
  newest_cached
  log "no prometheus package in the apt sources (Debian main, Ubuntu universe)"; exit 1
fi
dest="$cache_root/$version"
if cached "$dest"; then
  log "cached: $dest"
  echo "$dest"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/prometheus-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
log "unpacking prometheus $version"
download() { (cd "$work" && apt-get download -qq "prometheus=$version"); }
if ! download; then
  log "download failed; refreshing the apt lists once"
  as_root apt-get update -qq
  version=$(candidate)
  dest="$cache_root/$version"
  download || { log "apt-get download prometheus=$version failed"; exit 1; }
fi
dpkg-deb -x "$work"/prometheus_*.deb "$work/root"
mkdir -p "$dest"
install -m 0755 "$work/root/usr/bin/promtool" "$work/root/usr/bin/prometheus" "$dest/"
"$dest/promtool" --version >&2
echo "$dest"

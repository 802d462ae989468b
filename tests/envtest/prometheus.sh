#!/usr/bin/env bash
# Unpacks promtool and prometheus from Debian's `prometheus` package (bookworm: 2.42), once, without installing
# the package (which would start a server): the tests check deploy/components/monitoring's alert rules with
# promtool. Cached outside the repo, keyed by the package version; prints the directory on its last line.
set -euo pipefail

cache_root="${SINGLE_ACTIVE_PROMETHEUS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/single-active/prometheus}"
log() { echo "[prometheus] $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

version=$(apt-cache policy prometheus 2>/dev/null | awk '/Candidate:/ {print $2; exit}')
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
  as_root apt-get update -qq
  version=$(apt-cache policy prometheus | awk '/Candidate:/ {print $2; exit}')
fi
[ -n "$version" ] && [ "$version" != "(none)" ] || { log "no prometheus package in the apt sources"; exit 1; }
dest="$cache_root/$version"
if [ -x "$dest/promtool" ] && [ -x "$dest/prometheus" ]; then
  log "cached: $dest"
  echo "$dest"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/prometheus-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
log "unpacking prometheus $version"
(cd "$work" && apt-get download -qq "prometheus=$version" 2>/dev/null) || { log "apt-get download prometheus=$version failed"; exit 1; }
dpkg-deb -x "$work"/prometheus_*.deb "$work/root"
mkdir -p "$dest"
install -m 0755 "$work/root/usr/bin/promtool" "$work/root/usr/bin/prometheus" "$dest/"
"$dest/promtool" --version >&2
echo "$dest"

#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager and kube-scheduler from Debian's
# `kubernetes` source package (bookworm: 1.20.x with its vendor/ tree), once.
# The binaries are cached outside the repo, keyed by the source version, and the
# script prints the cache directory on its last line. See ../../README.md (Tests).
set -euo pipefail

cache_root="${SINGLE_ACTIVE_ENVTEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/single-active/envtest}"
log() { echo "[control-plane] $*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Packages: Go to build, etcd to run, rsync for the Kubernetes Makefile, jq for scripts,
# dpkg-dev for `apt-get source`, reflect2 1.0.2 for the vendored-library fix below; iproute2
# (ip netns, veth, bridge) and util-linux (mount) for the kubelet stand-in's pod network.
need_pkgs=(golang-go etcd-server rsync jq dpkg-dev golang-github-modern-go-reflect2-dev curl iproute2 util-linux)
missing=()
for p in "${need_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
apt_updated=0
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  as_root apt-get update -qq && apt_updated=1
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# A deb-src entry for bookworm main, beside the existing deb entry.
src_list=/etc/apt/sources.list.d/single-active-deb-src.sources
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  log "adding a deb-src entry for bookworm main"
  as_root tee "$src_list" >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt_updated=0
fi
if [ "$apt_updated" = 0 ] && ! apt-cache showsrc kubernetes >/dev/null 2>&1; then
  as_root apt-get update -qq
fi

version=$(apt-cache showsrc kubernetes | awk '/^Version:/ {print $2; exit}')
[ -n "$version" ] || { log "cannot find Debian's kubernetes source package"; exit 1; }
dest="$cache_root/$version"
if [ -x "$dest/kube-apiserver" ] && [ -x "$dest/kube-controller-manager" ] && [ -x "$dest/kube-scheduler" ]; then
  log "cached: $dest"
  echo "$dest"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/k8s-src.XXXXXX")
trap 'rm -rf "$work"' EXIT
log "fetching kubernetes $version source into $work"
(cd "$work" && apt-get source -qq kubernetes >/dev/null 2>&1)
tree=$(find "$work" -maxdepth 1 -mindepth 1 -type d -name 'kubernetes-*' | head -n1)
[ -d "$tree" ] || { log "apt-get source produced no tree"; exit 1; }

# The vendored reflect2 v1.0.1 segfaults under Go >= 1.18; swap in Debian's 1.0.2.
reflect2_src=$(dpkg -L golang-github-modern-go-reflect2-dev | grep '/github.com/modern-go/reflect2$' | head -n1)
[ -d "$reflect2_src" ] || { log "reflect2 sources not found"; exit 1; }
rm -rf "$tree/vendor/github.com/modern-go/reflect2"
cp -r "$reflect2_src" "$tree/vendor/github.com/modern-go/reflect2"

mkdir -p "$tree/.go/src/k8s.io"
ln -sfn "$tree" "$tree/.go/src/k8s.io/kubernetes"
log "building (several minutes on 2 cores)"
(cd "$tree/.go/src/k8s.io/kubernetes" && GOPATH="$tree/.go" GO111MODULE=off CGO_ENABLED=0 GOFLAGS= \
  make WHAT="cmd/kube-apiserver cmd/kube-controller-manager cmd/kube-scheduler" >"$work/build.log" 2>&1) \
  || { tail -n 40 "$work/build.log" >&2; exit 1; }

mkdir -p "$dest.tmp"
cp "$tree/_output/bin/kube-apiserver" "$tree/_output/bin/kube-controller-manager" "$tree/_output/bin/kube-scheduler" "$dest.tmp/"
rm -rf "$dest" && mv "$dest.tmp" "$dest"
log "built: $dest"
echo "$dest"

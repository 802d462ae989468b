#!/usr/bin/env bash
# Creates a CA and a serving certificate for the webhook's Service, in the layout cert-manager gives a
# TLS Secret (tls.crt, tls.key, ca.crt), for installs without cert-manager and without the self-signed
# overlay. A thin wrapper: the work is done by `single-active-webhook certs` (System.Security.Cryptography).
#
#   certs/generate.sh [--out DIR] [any other `certs` option, e.g. --days 825 --dns extra.example]
#
# Then:
#   kubectl -n single-active-system create secret generic single-active-webhook-tls --from-file=DIR
#   kubectl apply -k deploy/base   # after setting the caBundle: base64 -w0 DIR/ca.crt (docs/install.md)
#
# Runs the published binary when there is one ($SINGLE_ACTIVE_WEBHOOK, else artifacts/publish), else
# `dotnet run` of webhook/SingleActive.Webhook.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/certs/out"
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --out) [ $# -ge 2 ] || { echo "$0: --out needs a directory" >&2; exit 2; }; out=$2; shift 2 ;;
    --out=*) out=${1#--out=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
service_args=(--service single-active-webhook --namespace single-active-system)

binary=${SINGLE_ACTIVE_WEBHOOK:-"${SINGLE_ACTIVE_PUBLISH_DIR:-$root/artifacts/publish}/single-active-webhook"}
if [ -x "$binary" ]; then
  exec "$binary" certs --out "$out" "${service_args[@]}" ${args[@]+"${args[@]}"}
fi
exec dotnet run --project "$root/webhook/SingleActive.Webhook" -c Release -- certs --out "$out" "${service_args[@]}" ${args[@]+"${args[@]}"}

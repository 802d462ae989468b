#!/usr/bin/env bash
# Renders the local overlay with the webhook's real URL and CA, for the end-to-end control plane:
#   deploy/overlays/local/render.sh https://127.0.0.1:PORT/mutate CA_FILE | kubectl apply -f -
# CA_FILE is the PEM the API server must trust for the webhook's serving certificate (e.g. ca.crt
# written by `single-active-webhook certs`). Needs kubectl (its built-in kustomize).
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 WEBHOOK_URL CA_FILE" >&2
  exit 2
fi
url=$1 ca=$2
case "$url" in
  https://*) ;;
  *) echo "$0: the webhook URL must be https://..., got '$url'" >&2; exit 2 ;;
esac
[ -r "$ca" ] || { echo "$0: cannot read CA file '$ca'" >&2; exit 2; }
grep -q -- '-----BEGIN CERTIFICATE-----' "$ca" || { echo "$0: '$ca' holds no PEM certificate" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bundle=$(base64 -w0 <"$ca")
{
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  echo "resources: [\"$(realpath --relative-to="$work" "$here")\"]"  # kustomize refuses absolute paths
  echo "patches:"
  echo "  - target: {group: admissionregistration.k8s.io, kind: MutatingWebhookConfiguration, name: single-active-webhook}"
  echo "    patch: |-"
  for i in 0 1 2; do
    echo "      - {op: replace, path: /webhooks/$i/clientConfig/url, value: \"$url\"}"
    echo "      - {op: replace, path: /webhooks/$i/clientConfig/caBundle, value: \"$bundle\"}"
  done
} >"$work/kustomization.yaml"
kubectl kustomize "$work"

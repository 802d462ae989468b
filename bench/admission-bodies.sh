# shellcheck shell=bash
# Sourced by bench/run.sh, bench/compare-builds.sh and bench/profile-admission.sh (paths from the repository's root): the
# AdmissionReviews every admission load sends in rotation (--body each), golden inputs of the webhook's tests: a
# Deployment's replica, a StatefulSet's pod with its own ServiceAccount and no token automount, a bare pod.
admission_bodies=(
  --body tests/SingleActive.Webhook.Tests/testdata/pod-create-deployment-replica.json
  --body tests/SingleActive.Webhook.Tests/testdata/pod-create-statefulset-custom-sa-no-automount.json
  --body tests/SingleActive.Webhook.Tests/testdata/pod-create-bare.json
)

using k8s.Models;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// What render adds to a pod, as typed values: <see cref="PodRenderer.Apply"/> puts them into the typed pod,
/// <see cref="Patching.PodPatchWriter"/> writes them as JSON Patch operations against the pod as it was read.
/// Everything is added; nothing the pod already has is replaced, except the ServiceAccount fields (only when
/// <see cref="ServiceAccountName"/> is set) and a status annotation of ours.
/// </summary>
/// <param name="StatusUrlContainers">Indices in <c>spec.containers</c> of the app containers that gain <paramref name="StatusUrl"/>.</param>
/// <param name="ElectorFirst">A native sidecar: first in <c>spec.initContainers</c>; otherwise last in <c>spec.containers</c>.</param>
/// <param name="ImagePullSecrets">The names added to <c>spec.imagePullSecrets</c> (the configured ones the pod does not list yet).</param>
/// <param name="ServiceAccountName">The account the pod switches to (with the deprecated alias, when the pod has it); null keeps the pod's.</param>
public sealed record PodEdits(
    IReadOnlyList<int> StatusUrlContainers,
    V1EnvVar StatusUrl,
    V1Container Elector,
    bool ElectorFirst,
    V1Volume TokenVolume,
    IReadOnlyList<string> ImagePullSecrets,
    string? ServiceAccountName,
    string StatusAnnotation);

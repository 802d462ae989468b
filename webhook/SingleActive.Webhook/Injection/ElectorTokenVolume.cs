using k8s.Models;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// The elector's own API credentials. The ServiceAccount admission plugin runs before mutating webhooks,
/// so the pod's token volume (if any: <c>automountServiceAccountToken: false</c> leaves none) belongs
/// to the account the pod had before we switched it. A projected token is issued by the kubelet for the
/// pod's final account, so RBAC sees the account we bound.
/// </summary>
public static class ElectorTokenVolume
{
    public const string VolumeName = "single-active-token";

    /// <summary>Where client libraries look for in-cluster credentials.</summary>
    public const string MountPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    public static V1Volume Create(int expirationSeconds) => new()
    {
        Name = VolumeName,
        Projected = new V1ProjectedVolumeSource
        {
            DefaultMode = 420, // 0644, as the API server's own kube-api-access volume: the elector runs as a different uid than the files' owner.
            Sources =
            [
                new V1VolumeProjection
                {
                    ServiceAccountToken = new V1ServiceAccountTokenProjection { Path = "token", ExpirationSeconds = expirationSeconds },
                },
                new V1VolumeProjection
                {
                    ConfigMap = new V1ConfigMapProjection
                    {
                        Name = "kube-root-ca.crt",
                        Items = [new V1KeyToPath { Key = "ca.crt", Path = "ca.crt" }],
                    },
                },
                new V1VolumeProjection
                {
                    DownwardAPI = new V1DownwardAPIProjection
                    {
                        Items = [new V1DownwardAPIVolumeFile { Path = "namespace", FieldRef = new V1ObjectFieldSelector { ApiVersion = "v1", FieldPath = "metadata.namespace" } }],
                    },
                },
            ],
        },
    };

    public static V1VolumeMount Mount() => new() { Name = VolumeName, MountPath = MountPath, ReadOnlyProperty = true };
}

using k8s.Models;

namespace SingleActive.Webhook.Injection;

/// <summary>
/// Mirror pods: the API server's read-only copy of a static pod, created by the kubelet from a manifest on the
/// node. The kubelet runs the static pod from its manifest whatever the API holds, and the API server's
/// ServiceAccount admission refuses a mirror pod that names a ServiceAccount or mounts a projected token
/// (plugin/pkg/admission/serviceaccount/admission.go), so an injected copy would only be rejected and the
/// pod disappear from the API while still running. They are allowed unchanged, with a warning that says so.
/// </summary>
public static class MirrorPods
{
    /// <summary>Set by the kubelet on every mirror pod (<c>kubetypes.ConfigMirrorAnnotationKey</c>).</summary>
    public const string Annotation = "kubernetes.io/config.mirror";

    public static bool IsMirror(V1Pod pod) => pod.Metadata?.Annotations?.ContainsKey(Annotation) == true;

    public static string Warning(string description) =>
        $"single-active: {description} is the mirror of a static pod (annotation \"{Annotation}\"), so it was admitted unchanged, without the elector: " +
        "the kubelet runs a static pod from its manifest on the node, and the API server refuses a mirror pod that references a ServiceAccount " +
        "or gains volumes. To make it single-active, run it as a Deployment or StatefulSet (the webhook injects their pods); " +
        "otherwise remove the \"single-active\" annotation from the static pod's manifest";
}

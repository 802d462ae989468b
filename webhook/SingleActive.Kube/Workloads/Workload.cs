using k8s.Models;

namespace SingleActive.Kube.Workloads;

/// <summary>
/// The parts of a Deployment or StatefulSet that the workload decisions read and change, so each decision
/// is written once for both kinds. Holds references into the typed object: changes land in it.
/// </summary>
public sealed class Workload
{
    private Workload(string kind, V1ObjectMeta metadata, V1PodTemplateSpec template, int? replicas, string? namespaceHint, string? governingServiceName = null)
    {
        Kind = kind;
        Metadata = metadata;
        Template = template;
        Replicas = replicas;
        Namespace = string.IsNullOrEmpty(metadata.NamespaceProperty) ? namespaceHint : metadata.NamespaceProperty;
        GoverningServiceName = string.IsNullOrEmpty(governingServiceName) ? null : governingServiceName;
    }

    public const string DeploymentKind = "Deployment";
    public const string StatefulSetKind = "StatefulSet";

    public string Kind { get; }

    public V1ObjectMeta Metadata { get; }

    public V1PodTemplateSpec Template { get; }

    /// <summary>Null when the manifest leaves it to the API server's default (1).</summary>
    public int? Replicas { get; }

    public string? Namespace { get; }

    public string? Name => string.IsNullOrEmpty(Metadata.Name) ? null : Metadata.Name;

    /// <summary>A StatefulSet's <c>spec.serviceName</c>: the Service that gives its pods their DNS names; null for a Deployment.</summary>
    public string? GoverningServiceName { get; }

    /// <summary>"Deployment shop/billing", for messages; names a generateName prefix when there is no name yet.</summary>
    public string Description
    {
        get
        {
            var name = Name ?? (string.IsNullOrEmpty(Metadata.GenerateName) ? "(unnamed)" : Metadata.GenerateName + "*");
            return string.IsNullOrEmpty(Namespace) ? $"{Kind} {name}" : $"{Kind} {Namespace}/{name}";
        }
    }

    public string TemplateDescription => "the pod template of " + Description;

    /// <summary>kubectl's TYPE/NAME: <c>deployment/web</c>.</summary>
    public string Reference => $"{Kind.ToLowerInvariant()}/{Name}";

    /// <summary>Wraps a Deployment, creating the empty parts (metadata, template) the decisions may write to.</summary>
    public static Workload Of(V1Deployment deployment, string? namespaceHint = null)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        deployment.Metadata ??= new V1ObjectMeta();
        deployment.Spec ??= new V1DeploymentSpec();
        deployment.Spec.Template ??= new V1PodTemplateSpec();
        return new Workload(DeploymentKind, deployment.Metadata, deployment.Spec.Template, deployment.Spec.Replicas, namespaceHint);
    }

    public static Workload Of(V1StatefulSet statefulSet, string? namespaceHint = null)
    {
        ArgumentNullException.ThrowIfNull(statefulSet);
        statefulSet.Metadata ??= new V1ObjectMeta();
        statefulSet.Spec ??= new V1StatefulSetSpec();
        statefulSet.Spec.Template ??= new V1PodTemplateSpec();
        return new Workload(StatefulSetKind, statefulSet.Metadata, statefulSet.Spec.Template, statefulSet.Spec.Replicas, namespaceHint, statefulSet.Spec.ServiceName);
    }
}

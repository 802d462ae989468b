using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.Kube.Workloads;

namespace SingleActive.Kubectl.Workloads;

/// <summary>Finds single-active workloads through the API: all of a namespace (or of the cluster), or one by name.</summary>
public sealed class WorkloadCatalog(IKubernetes client)
{
    /// <summary>Every opted-in Deployment and StatefulSet, ordered by namespace, kind and name; <paramref name="namespace"/> null: all namespaces.</summary>
    public Task<IReadOnlyList<SingleActiveWorkload>> ListAsync(string? @namespace, CancellationToken cancellationToken) =>
        SingleActiveWorkloads.ListAsync(client, @namespace, cancellationToken);

    /// <summary>
    /// <paramref name="reference"/> as kubectl takes it: <c>NAME</c> (a Deployment, else a StatefulSet),
    /// <c>deployment/NAME</c>, <c>deploy/NAME</c>, <c>statefulset/NAME</c> or <c>sts/NAME</c>.
    /// </summary>
    /// <exception cref="WorkloadNotFoundException">No such workload, or it does not opt in.</exception>
    public async Task<SingleActiveWorkload> FindAsync(string @namespace, string reference, CancellationToken cancellationToken)
    {
        var (kind, name) = Split(reference);
        if (ReferenceProblem(reference) is { } problem)
        {
            throw new WorkloadNotFoundException(problem);
        }

        if (kind is "" or "deployment" or "deployments" or "deploy" && await ReadAsync(() => client.AppsV1.ReadNamespacedDeploymentAsync(name, @namespace, cancellationToken: cancellationToken)).ConfigureAwait(false) is { } deployment)
        {
            return SingleActiveWorkload.From(deployment) ?? throw NotOptedIn("deployment", name, @namespace);
        }

        if (kind is "" or "statefulset" or "statefulsets" or "sts" && await ReadAsync(() => client.AppsV1.ReadNamespacedStatefulSetAsync(name, @namespace, cancellationToken: cancellationToken)).ConfigureAwait(false) is { } statefulSet)
        {
            return SingleActiveWorkload.From(statefulSet) ?? throw NotOptedIn("statefulset", name, @namespace);
        }

        throw new WorkloadNotFoundException($"no Deployment or StatefulSet \"{name}\" in namespace {@namespace}");
    }

    /// <summary>Why <paramref name="reference"/> cannot name a single-active workload (a kind other than a Deployment or a StatefulSet, no name); null when it can.</summary>
    public static string? ReferenceProblem(string reference)
    {
        var (kind, name) = Split(reference);
        if (kind is not ("" or "deployment" or "deployments" or "deploy" or "statefulset" or "statefulsets" or "sts"))
        {
            return $"\"{reference}\": only Deployments and StatefulSets are single-active workloads (deployment/NAME, statefulset/NAME)";
        }

        return name.Length == 0 ? $"\"{reference}\": the workload has no name (NAME, deployment/NAME or statefulset/NAME)" : null;
    }

    private static (string Kind, string Name) Split(string reference) =>
        reference.Split('/', 2) is [var kind, var name] ? (kind.ToLowerInvariant(), name) : ("", reference);

    private static WorkloadNotFoundException NotOptedIn(string kind, string name, string @namespace) =>
        new($"{kind}/{name} in namespace {@namespace} is not a single-active workload: its pod template has no annotation single-active: \"true\"");

    private static async Task<T?> ReadAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}

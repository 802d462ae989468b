using System.Net;
using k8s;
using k8s.Autorest;
using SingleActive.Core.Errors;
using SingleActive.Kube.ApiConnection;
using SingleActive.Kube.Namespaces;

namespace SingleActive.Webhook.Provisioning;

/// <summary>
/// The names of every namespace (<see cref="LiveNamespaces.ListAsync"/>), for telling which subjects of the node binding
/// outlived their namespace, with the failures worded as the removal's problems. Bounded by <see cref="ListTimeout"/> of
/// its own, so a slow list never costs the admission: only the removal waits.
/// </summary>
public sealed class NamespaceNames(IKubernetes client, TimeProvider timeProvider, CancellationToken cancellationToken)
{
    /// <summary>How long the pages of one list may take together before no subject is removed this time.</summary>
    public static readonly TimeSpan ListTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Every namespace's name, Terminating ones included; or, when they cannot be read, why (and no names).</summary>
    /// <param name="binding">The binding whose subjects the list is for (named in the problem).</param>
    /// <exception cref="OperationCanceledException">The caller's token was cancelled (not <see cref="ListTimeout"/>).</exception>
    public async Task<(HashSet<string>? Names, PruneProblem? Problem)> ListAsync(string binding)
    {
        using var timeout = new CancellationTokenSource(ListTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var notRemoved = $"so the subjects of ClusterRoleBinding {binding} whose namespace is gone are not removed";
        try
        {
            return (await LiveNamespaces.ListAsync(client, linked.Token).ConfigureAwait(false), null);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden)
        {
            return (null, new PruneProblem(PruneProblem.Forbidden,
                $"cannot list namespaces: the Kubernetes API answered 403 Forbidden: the webhook's ClusterRole lacks \"list\" on namespaces, {notRemoved} " +
                $"(each grants node read to an account of that name should its namespace be created again); apply deploy/ of this version ({ApiStatusMessage.Of(e)})"));
        }
        catch (HttpOperationException e)
        {
            return (null, new PruneProblem(PruneProblem.Unavailable,
                $"cannot list namespaces: the Kubernetes API answered {(int)e.Response.StatusCode} {e.Response.StatusCode}, {notRemoved} this time ({ApiStatusMessage.Of(e)})"));
        }
        catch (HttpRequestException e)
        {
            return (null, new PruneProblem(PruneProblem.Unavailable, $"cannot list namespaces: the Kubernetes API cannot be reached, {notRemoved} this time ({ErrorText.Of(e)})"));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, new PruneProblem(PruneProblem.Unavailable,
                $"cannot list namespaces: the Kubernetes API did not answer within {ListTimeout.TotalSeconds:0.#} s, {notRemoved} this time"));
        }

    }
}

namespace SingleActive.Kubectl.Doctor;

/// <summary>
/// A read the API server refused doctor (HTTP 403), as it refuses a user bound only to a namespace's <c>view</c>,
/// <c>edit</c> or <c>admin</c> role the cluster-scoped objects: the checks that need it are skipped, and
/// <see cref="RefusedReads"/> says which and how to get the access.
/// </summary>
/// <param name="Resource">The resource as Kubernetes names it: one of <see cref="RefusedReads"/>' constants.</param>
/// <param name="Namespace">Its namespace; null for a cluster-scoped resource.</param>
/// <param name="Said">The API server's message, which names the user, the verb and the resource.</param>
public sealed record RefusedRead(string Resource, string? Namespace, string Said);

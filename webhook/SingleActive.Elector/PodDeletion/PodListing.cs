namespace SingleActive.Elector.PodDeletion;

/// <summary>A list of the pods of one name: the pod, if there is one, and the list's resourceVersion to watch from.</summary>
public sealed record PodListing(PodSnapshot? Pod, string? ResourceVersion);

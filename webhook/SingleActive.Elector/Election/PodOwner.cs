namespace SingleActive.Elector.Election;

/// <summary>A pod's controller (the ownerReference with <c>controller: true</c>): its kind and name.</summary>
public sealed record PodOwner(string Kind, string Name);

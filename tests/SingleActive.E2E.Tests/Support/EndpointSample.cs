namespace SingleActive.E2E.Tests.Support;

/// <summary>One look at a Service's Endpoints: when (since sampling started), how many ready addresses, which.</summary>
public sealed record EndpointSample(TimeSpan At, int Ready, int NotReady, IReadOnlyList<string> Addresses);

namespace SingleActive.Bench.Runner.Elector;

/// <summary>An elector binary to compare: ours (NativeAOT) or the LeaderElector baseline.</summary>
public sealed record ElectorImplementation(string Name, string Binary);

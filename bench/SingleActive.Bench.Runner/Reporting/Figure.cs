namespace SingleActive.Bench.Runner.Reporting;

/// <summary>One measured number: which benchmark, what it is about, what was measured, in which unit.</summary>
public sealed record Figure(string Section, string Subject, string Metric, double Value, string Unit);

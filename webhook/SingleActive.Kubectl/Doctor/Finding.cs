namespace SingleActive.Kubectl.Doctor;

/// <summary>One thing <c>doctor</c> found: how bad, about what, what is wrong, and the fix.</summary>
/// <param name="Subject">What it is about: <c>mutatingwebhookconfiguration/single-active-webhook</c>, <c>shop/deployment/web</c>, …</param>
public sealed record Finding(Severity Severity, string Subject, string Problem, string? Fix = null);

using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Scenarios;

/// <summary>Keeps a real <c>kubectl describe pod</c> of an injected pod for the README (artifacts/e2e/describe-pod.txt).</summary>
internal static class DescribeExcerpt
{
    public static void Save(string describe)
    {
        Directory.CreateDirectory(RepositoryPaths.E2EArtifacts);
        File.WriteAllText(Path.Combine(RepositoryPaths.E2EArtifacts, "describe-pod.txt"), describe);
    }
}

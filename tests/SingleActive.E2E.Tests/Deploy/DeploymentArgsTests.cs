using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Deploy;

/// <summary>
/// The flags deploy/ passes must be flags the published webhook knows: with no cluster and no mounted
/// files it stops on the first real problem (a missing file, no API), never on an unknown argument.
/// </summary>
public sealed class DeploymentArgsTests
{
    [Theory]
    [InlineData("overlays/cert-manager", "/etc/single-active/tls/tls.crt")]
    [InlineData("overlays/self-signed", "needs the Kubernetes API")]
    public async Task DeploymentArgs_PublishedWebhook_AcceptsEveryFlag(string overlay, string expectedProblem)
    {
        var deployment = Kustomize.Single(await Kustomize.BuildAsync(Kustomize.DeployDir(overlay)), "Deployment", "single-active-webhook");
        var args = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string)a!).ToList();
        var home = Path.Combine(Path.GetTempPath(), $"single-active-args-{Guid.NewGuid():N}");
        Directory.CreateDirectory(home);
        try
        {
            // Port 0 and loopback: should it get as far as listening, it must not collide or be reachable.
            var (exit, stdout, stderr) = await ExternalCommand.RunAsync(
                "/usr/bin/env",
                ["-i", $"HOME={home}", "POD_NAME=args-test", RepositoryPaths.PublishedBinary(RepositoryPaths.WebhookBinary), .. args, "--port=0", "--bind=127.0.0.1"],
                timeout: TimeSpan.FromSeconds(60));

            Assert.NotEqual(0, exit);
            Assert.DoesNotContain("unknown argument", stderr, StringComparison.Ordinal);
            Assert.Contains(expectedProblem, stderr + stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }
}

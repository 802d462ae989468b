namespace SingleActive.Webhook.Tests.Golden;

/// <summary>
/// The golden folder holds answers to inputs that exist, nothing else: a golden file whose input was renamed or
/// deleted would otherwise be kept forever without being checked (Istio's TestInjection fails the same way).
/// </summary>
public class GoldenLayoutTests
{
    [Fact]
    public void GoldenFiles_WithoutInput_FailTheRun()
    {
        var inputs = TestData.Fixtures.ToHashSet(StringComparer.Ordinal);
        var expected = TestData.Variants
            .SelectMany(v => inputs.SelectMany(i => new[] { $"{v}/{i}.json", $"{v}/{i}{TestData.InjectExtension}" })
                .Concat(TestData.Manifests.Select(m => $"{v}/{TestData.ManifestFolder}/{m}{TestData.InjectExtension}")))
            .ToHashSet(StringComparer.Ordinal);

        var orphans = TestData.GoldenFiles.Where(f => !expected.Contains(f)).ToList();

        Assert.True(orphans.Count == 0,
            $"golden files in {TestData.GoldenDirectory} without an input testdata/<name>.json or testdata/{TestData.ManifestFolder}/<name>.yaml (delete them, or restore the input):\n  " + string.Join("\n  ", orphans));
    }
}

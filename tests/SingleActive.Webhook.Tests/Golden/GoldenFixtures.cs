namespace SingleActive.Webhook.Tests.Golden;

/// <summary>The golden cases: every input in testdata (adding a <c>testdata/*.json</c> adds a case), alone and with each variant.</summary>
public static class GoldenFixtures
{
    public static TheoryData<string> All => [.. TestData.Fixtures];

    public static TheoryData<string, string> AllByVariant => ByVariant(TestData.Fixtures);

    /// <summary>Every multi-document manifest (adding a <c>testdata/manifests/*.yaml</c> adds a case), with each variant.</summary>
    public static TheoryData<string, string> ManifestsByVariant => ByVariant(TestData.Manifests);

    private static TheoryData<string, string> ByVariant(IReadOnlyList<string> inputs)
    {
        var data = new TheoryData<string, string>();
        foreach (var input in inputs)
        {
            foreach (var variant in TestData.Variants)
            {
                data.Add(input, variant);
            }
        }

        return data;
    }
}

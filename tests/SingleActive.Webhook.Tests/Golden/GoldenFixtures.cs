namespace SingleActive.Webhook.Tests.Golden;

/// <summary>The golden cases: every input in testdata (adding a <c>testdata/*.json</c> adds a case), alone and with each variant.</summary>
public static class GoldenFixtures
{
    public static TheoryData<string> All => [.. TestData.Fixtures];

    public static TheoryData<string, string> AllByVariant
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var fixture in TestData.Fixtures)
            {
                foreach (var variant in TestData.Variants)
                {
                    data.Add(fixture, variant);
                }
            }

            return data;
        }
    }
}

using SingleActive.Contract;

namespace SingleActive.Webhook.Tests.Contract;

public class ContractSmokeTests
{
    [Fact]
    public void DefaultTimings_WithDefaultProbe_AreSafe() =>
        Assert.Empty(ElectionTimings.Default.Validate(ReadinessProbeTimings.Default));
}

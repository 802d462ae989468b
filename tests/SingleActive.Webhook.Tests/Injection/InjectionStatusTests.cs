using SingleActive.Contract;
using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.Tests.Injection;

public class InjectionStatusTests
{
    [Fact]
    public void ToJson_Status_IsCompactWithEveryField() =>
        Assert.Equal(
            """{"version":"1.2.3","lease":"checkout","sidecar":"native","mode":"label","serviceAccount":"ledger-sa","port":8100}""",
            new InjectionStatus("1.2.3", "checkout", true, ElectorMode.Label, "ledger-sa", 8100).ToJson());

    [Fact]
    public void InjectorVersion_HasThreeParts() =>
        Assert.Matches(@"^\d+\.\d+\.\d+$", InjectionStatus.InjectorVersion);
}

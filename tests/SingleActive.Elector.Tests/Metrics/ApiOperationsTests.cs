using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Tests.Metrics;

public class ApiOperationsTests
{
    [Fact]
    public void Label_EveryOperation_HasItsOwnLabelThatReadsBack()
    {
        var operations = Enum.GetValues<ApiOperation>();

        Assert.Equal(operations.Length, ApiOperations.All.Count);
        Assert.Equal(operations.Length, operations.Select(o => o.Label()).Distinct(StringComparer.Ordinal).Count());
        Assert.All(operations, o => Assert.Equal(o, ApiOperations.OfLabel(o.Label())));
        Assert.Null(ApiOperations.OfLabel("list"));
    }

    [Fact]
    public void All_IsInOrdinalOrder_SoMetricsWritesTheSeriesSorted() =>
        Assert.Equal(ApiOperations.All.Order(StringComparer.Ordinal), ApiOperations.All);

    [Theory]
    [InlineData("get", ApiOperation.Get)]
    [InlineData("create", ApiOperation.Create)]
    [InlineData("update", ApiOperation.Update)]
    public void OfLeaseRound_TheRoundsCalls_AreTheirOperations(string failedOperation, ApiOperation expected) =>
        Assert.Equal(expected, ApiOperations.OfLeaseRound(failedOperation));

    [Fact]
    public void OfLeaseRound_AnotherCall_IsRefusedByName()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ApiOperations.OfLeaseRound("watch"));

        Assert.Equal("failedOperation", error.ParamName);
    }
}

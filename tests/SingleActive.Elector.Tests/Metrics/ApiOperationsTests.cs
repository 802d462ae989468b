using SingleActive.Core.Leases;
using SingleActive.Elector.Metrics;

namespace SingleActive.Elector.Tests.Metrics;

public sealed class ApiOperationsTests
{
    [Theory]
    [InlineData(ApiOperation.Candidacy, "candidacy")]
    [InlineData(ApiOperation.Create, "create")]
    [InlineData(ApiOperation.Event, "event")]
    [InlineData(ApiOperation.Fence, "fence")]
    [InlineData(ApiOperation.Get, "get")]
    [InlineData(ApiOperation.Label, "label")]
    [InlineData(ApiOperation.NodeWatch, "node_watch")]
    [InlineData(ApiOperation.PodWatch, "pod_watch")]
    [InlineData(ApiOperation.Pods, "pods")]
    [InlineData(ApiOperation.Release, "release")]
    [InlineData(ApiOperation.Update, "update")]
    [InlineData(ApiOperation.Watch, "watch")]
    public void Label_EachOperation_IsItsLabelValueAndReadsBack(ApiOperation operation, string label)
    {
        Assert.Equal(label, operation.Label());
        Assert.Equal(operation, ApiOperations.OfLabel(label));
    }

    [Fact]
    public void All_OneLabelPerOperation_InOrdinalOrderSoMetricsWritesTheSeriesSorted()
    {
        Assert.Equal(Enum.GetValues<ApiOperation>().Length, ApiOperations.All.Count);
        Assert.Equal(ApiOperations.All.Order(StringComparer.Ordinal), ApiOperations.All);
        Assert.Equal(ApiOperations.All.Count, ApiOperations.All.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void OfLabel_NoOperationsLabel_IsNull() => Assert.Null(ApiOperations.OfLabel("list"));

    [Theory]
    [InlineData(LeaseCall.Get, ApiOperation.Get)]
    [InlineData(LeaseCall.Create, ApiOperation.Create)]
    [InlineData(LeaseCall.Update, ApiOperation.Update)]
    public void Of_EachLeaseCall_IsCountedAsItsOperation(LeaseCall call, ApiOperation operation) => Assert.Equal(operation, ApiOperations.Of(call));

    [Fact]
    public void Of_EveryLeaseCall_HasAnOperation() => Assert.All(Enum.GetValues<LeaseCall>(), call => ApiOperations.Of(call));
}

using SingleActive.Contract;
using SingleActive.Kubectl.Controls;
using static SingleActive.Kubectl.Tests.TestWorkloads;

namespace SingleActive.Kubectl.Tests.Controls;

public sealed class HandoverAnswerTests
{
    private static readonly HandoverRecord Earlier = new("web-1", "web-1", "web-0", HandoverOutcome.Done, "web-1 took the Lease from web-0", Now.AddHours(-1));

    [Theory]
    [InlineData(null, false)]
    [InlineData(HandoverOutcome.InProgress, false)]
    [InlineData(HandoverOutcome.Done, true)]
    [InlineData(HandoverOutcome.Refused, true)]
    [InlineData(HandoverOutcome.Failed, true)]
    public void Of_OnlyANewFinalRecordForThisRequestAnswers(HandoverOutcome? outcome, bool answered)
    {
        var annotations = new Dictionary<string, string>();
        if (outcome is { } o)
        {
            annotations[Annotations.LastHandover] = (Earlier with { Outcome = o, At = Now }).ToJson();
        }

        Assert.Equal(answered, HandoverAnswer.Of(Earlier, "web-1", Lease("web", "web-0", 1, Now, annotations)) is not null);
    }

    [Fact]
    public void Of_TheRecordFromBeforeTheRequest_IsNoAnswer() =>
        Assert.Null(HandoverAnswer.Of(Earlier, "web-1", Lease("web", "web-1", 1, Now, new Dictionary<string, string> { [Annotations.LastHandover] = Earlier.ToJson() })));

    [Fact]
    public void Of_ARecordForAnotherRequest_IsNoAnswer() =>
        Assert.Null(HandoverAnswer.Of(null, "any", Lease("web", "web-1", 1, Now, new Dictionary<string, string> { [Annotations.LastHandover] = Earlier.ToJson() })));

    [Fact]
    public void ToResult_Refused_FailsWithTheReasonAndWhoKeepsLeading()
    {
        var refused = new HandoverAnswer(new HandoverRecord("web-2", "web-2", "web-0", HandoverOutcome.Refused, "the app of pod web-2 is unhealthy (503)", Now));

        var result = refused.ToResult(Workload(), TimeSpan.FromMilliseconds(123));

        Assert.False(result.Succeeded);
        Assert.Equal("deployment/web: handover refused after 0.12s, web-0 keeps leading: the app of pod web-2 is unhealthy (503)", result.Message);
    }
}

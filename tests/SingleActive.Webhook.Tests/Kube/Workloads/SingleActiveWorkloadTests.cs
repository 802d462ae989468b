using k8s.Models;
using SingleActive.Contract;
using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Tests.Workloads;

namespace SingleActive.Webhook.Tests.Kube.Workloads;

/// <summary>
/// The mode of a template that names none is the webhook's Injector:Mode, which the plugin learns from the pods' status
/// annotation and the webhook from its own options.
/// </summary>
public class SingleActiveWorkloadTests
{
    private static readonly SingleActiveWorkload NoModeNamed = SingleActiveWorkload.From(TestWorkloads.Deployment())!;

    [Fact]
    public void From_TemplateNamingNoMode_Readiness()
    {
        Assert.Equal(ElectorMode.Readiness, NoModeNamed.Mode);
    }

    [Theory]
    // status annotations of the pods, oldest first (null: no annotation); the mode expected
    [InlineData(new[] { """{"mode":"label"}""" }, ElectorMode.Label)]
    [InlineData(new[] { """{"mode":"readiness"}""", """{"mode":"label"}""" }, ElectorMode.Label)] // the newest pod's
    [InlineData(new[] { """{"mode":"label"}""", "not json" }, ElectorMode.Label)] // an unreadable one is passed over
    [InlineData(new[] { """{"mode":"leader"}""" }, ElectorMode.Readiness)]
    [InlineData(new[] { "[]", null }, ElectorMode.Readiness)]
    [InlineData(new string?[0], ElectorMode.Readiness)]
    public void WithModeOfPods_TemplateNamingNoMode_TheNewestInjectedPodsMode(string?[] statuses, ElectorMode expected)
    {
        var pods = statuses.Select((status, i) => Pod(status, minutesOld: statuses.Length - i));

        Assert.Equal(expected, NoModeNamed.WithModeOfPods(pods).Mode);
    }

    [Fact]
    public void WithModeOfPods_TemplateNamingItsMode_TheTemplateStands()
    {
        var readiness = SingleActiveWorkload.From(TestWorkloads.Deployment(templateAnnotations: "\"single-active\":\"true\",\"single-active.io/mode\":\"readiness\""))!;

        Assert.Equal(ElectorMode.Readiness, readiness.WithModeOfPods([Pod("""{"mode":"label"}""", 1)]).Mode);
        Assert.Equal(ElectorMode.Readiness, readiness.WithDefaultMode(ElectorMode.Label).Mode);
        Assert.Equal(ElectorMode.Label, NoModeNamed.WithDefaultMode(ElectorMode.Label).Mode);
    }

    private static V1Pod Pod(string? status, int minutesOld) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = $"web-{minutesOld}",
            CreationTimestamp = new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc).AddMinutes(-minutesOld),
            Annotations = status is null ? null : new Dictionary<string, string> { [Annotations.Status] = status },
        },
    };
}

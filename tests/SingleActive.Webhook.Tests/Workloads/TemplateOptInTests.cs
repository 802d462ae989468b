using SingleActive.Kube.Workloads;
using SingleActive.Webhook.Workloads;

namespace SingleActive.Webhook.Tests.Workloads;

public class TemplateOptInTests
{
    [Theory]
    // workload annotation, template annotation, expected template value (null = absent), opted in, notice expected
    [InlineData("", "", null, false, false)]
    [InlineData("", "\"single-active\":\"true\"", "true", true, false)]
    [InlineData("", "\"single-active\":\"TRUE\"", "TRUE", true, false)]
    [InlineData("", "\"single-active\":\"false\"", "false", false, false)]
    [InlineData("\"single-active\":\"true\"", "", "true", true, true)]
    [InlineData("\"single-active\":\"True\"", "\"single-active\":\"false\"", "true", true, true)]
    [InlineData("\"single-active\":\"true\"", "\"single-active\":\"true\"", "true", true, false)]
    [InlineData("\"single-active\":\"false\"", "\"single-active\":\"true\"", null, false, true)]
    [InlineData("\"single-active\":\"false\"", "\"single-active\":\"maybe\"", null, false, true)]
    [InlineData("\"single-active\":\"false\"", "", null, false, false)]
    public void Apply_WorkloadAndTemplateValues_ReconcilesTheTemplate(string workload, string template, string? expected, bool optedIn, bool notice)
    {
        var deployment = TestWorkloads.Deployment(workload, template);

        var result = TemplateOptIn.Apply(Workload.Of(deployment));

        Assert.Null(result.Denial);
        Assert.Equal(optedIn, result.TemplateOptedIn);
        Assert.Equal(notice, result.Notice is not null);
        var annotations = deployment.Spec.Template.Metadata.Annotations;
        Assert.Equal(expected, annotations is not null && annotations.TryGetValue("single-active", out var v) ? v : null);
    }

    [Theory]
    [InlineData("\"single-active\":\"yes\"", "", "Deployment shop/web", "\"yes\"")]
    [InlineData("", "\"single-active\":\"1\"", "the pod template of Deployment shop/web", "\"1\"")]
    [InlineData("\"single-active\":\"\"", "\"single-active\":\"true\"", "Deployment shop/web", "\"\"")]
    public void Apply_InvalidValue_DeniedNamingTheObjectAndTheAcceptedValues(string workload, string template, string where, string value)
    {
        var result = TemplateOptIn.Apply(Workload.Of(TestWorkloads.Deployment(workload, template)));

        Assert.False(result.TemplateOptedIn);
        Assert.Contains($"annotation \"single-active\" on {where} has the value {value}", result.Denial, StringComparison.Ordinal);
        Assert.Contains("\"true\" or \"false\"", result.Denial, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_TemplateWithoutMetadata_CopiesTheOptInIntoNewAnnotations()
    {
        var deployment = TestWorkloads.Deployment("\"single-active\":\"true\"");
        deployment.Spec.Template.Metadata = null;

        var result = TemplateOptIn.Apply(Workload.Of(deployment));

        Assert.True(result.TemplateOptedIn);
        Assert.Equal("true", deployment.Spec.Template.Metadata!.Annotations["single-active"]);
        Assert.Contains("copied the annotation single-active=\"true\" from Deployment shop/web into its pod template", result.Notice, StringComparison.Ordinal);
    }
}

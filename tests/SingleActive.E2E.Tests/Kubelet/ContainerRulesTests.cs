using k8s.Models;
using SingleActive.Contract;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>The kubelet rules of the test double, without a control plane.</summary>
public sealed class ContainerRulesTests
{
    [Theory]
    [InlineData(ElectorHttp.ContainerName, null, """{"version":"1.0.0","sidecar":"native"}""", true)]
    [InlineData(ElectorHttp.ContainerName, null, """{"version":"1.0.0","sidecar":"container"}""", false)]
    [InlineData(ElectorHttp.ContainerName, null, null, false)]
    [InlineData(ElectorHttp.ContainerName, null, "not json", false)]
    [InlineData(ElectorHttp.ContainerName, null, """["native"]""", false)]
    [InlineData("migrate", null, """{"sidecar":"native"}""", false)]
    [InlineData("proxy", "Always", null, true)]
    [InlineData(ElectorHttp.ContainerName, "Always", """{"sidecar":"container"}""", true)]
    public void IsNativeSidecar_InitContainer_FromRestartPolicyOrTheElectorsStatusAnnotation(string name, string? restartPolicy, string? status, bool expected)
    {
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Annotations = status is null ? null : new Dictionary<string, string> { [Annotations.Status] = status } } };
        Assert.Equal(expected, ContainerRules.IsNativeSidecar(pod, new V1Container { Name = name, RestartPolicy = restartPolicy }));
    }

    [Theory]
    [InlineData("app", "/bin/sh", "/bin/sh")]
    [InlineData("app", "/bin/sleep", "/bin/sleep")]
    [InlineData("app", "sh", null)]
    [InlineData("app", "/no/such/binary", null)]
    [InlineData("app", "/etc/passwd", null)]
    [InlineData("app", null, null)]
    [InlineData(ElectorHttp.ContainerName, "/bin/sh", null)]
    public void HostExecutable_Command_OnlyAnExecutableHostPath(string name, string? command, string? expected) =>
        Assert.Equal(expected, ContainerRules.HostExecutable(new V1Container { Name = name, Command = command is null ? null : [command, "-c", "true"] }));

    [Theory]
    [InlineData("Always", false, 0, true)]
    [InlineData(null, false, 0, true)]
    [InlineData("OnFailure", false, 1, true)]
    [InlineData("OnFailure", false, 0, false)]
    [InlineData("Never", false, 1, false)]
    [InlineData("Never", true, 0, true)]
    [InlineData("OnFailure", true, 0, true)]
    public void ShouldRestart_Exit_ByRestartPolicyAndAlwaysForNativeSidecars(string? policy, bool nativeSidecar, int exit, bool expected) =>
        Assert.Equal(expected, ContainerRules.ShouldRestart(policy, nativeSidecar, exit));
}

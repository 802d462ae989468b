using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using SingleActive.Kubectl.Doctor;

namespace SingleActive.Kubectl.Tests.Doctor;

/// <summary>
/// The Service the webhooks call, without a cluster: with failurePolicy Fail, no ready replica behind it means every
/// opted-in object is rejected, and doctor says so (an error: exit code 3) with where to look.
/// </summary>
public class WebhookBackendChecksTests
{
    private const string Subject = "single-active-system/service/single-active-webhook";

    [Fact]
    public void Run_ReadyReplicaBehindTheService_NoFinding()
    {
        var findings = DoctorChecks.Run(Snapshot(Backend(ready: 2, notReady: 0)), TestWorkloads.Now);

        Assert.DoesNotContain(findings, f => f.Subject == Subject);
    }

    [Fact]
    public void Run_OneReadyReplica_WarningThatItsNextRestartIsAnOutage()
    {
        var finding = Assert.Single(DoctorChecks.Run(Snapshot(Backend(ready: 1, notReady: 0)), TestWorkloads.Now), f => f.Subject == Subject);

        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal(
            "one ready webhook replica: while it restarts, is evicted or its node drains, the API server rejects every opted-in object until one answers",
            finding.Problem);
        Assert.Equal(
            "run two or more (the shipped Deployment runs 2, with a PodDisruptionBudget): kubectl -n single-active-system scale deployment/single-active-webhook --replicas=2",
            finding.Fix);
    }

    [Fact]
    public void Run_OneReadyReplicaAndOneNotReady_WarningPointingAtTheNotReadyOne()
    {
        var finding = Assert.Single(DoctorChecks.Run(Snapshot(Backend(ready: 1, notReady: 1)), TestWorkloads.Now), f => f.Subject == Subject);

        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.StartsWith("one ready webhook replica (1 not ready): ", finding.Problem, StringComparison.Ordinal);
        Assert.StartsWith("see why: kubectl -n single-active-system describe endpoints single-active-webhook;", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoReadyReplica_ErrorNamingTheNotReadyOnesAndWhereToLook()
    {
        var findings = DoctorChecks.Run(Snapshot(Backend(ready: 0, notReady: 2)), TestWorkloads.Now);

        var finding = Assert.Single(findings, f => f.Subject == Subject);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal("no ready webhook replica (2 not ready): the API server rejects every opted-in object until one answers", finding.Problem);
        Assert.StartsWith("see why: kubectl -n single-active-system describe endpoints single-active-webhook;", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoReplicaAtAllWithFailurePolicyIgnore_ErrorSayingObjectsGoInWithoutTheElector()
    {
        var snapshot = Snapshot(Backend(ready: 0, notReady: 0));
        foreach (var webhook in snapshot.WebhookConfiguration!.Webhooks)
        {
            webhook.FailurePolicy = "Ignore";
        }

        var finding = Assert.Single(DoctorChecks.Run(snapshot, TestWorkloads.Now), f => f.Subject == Subject);

        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal(
            "no webhook replica behind it (the Service selects no running pod, or its targetPort names no container port): " +
            "opted-in objects are admitted without the elector until one answers (failurePolicy Ignore)",
            finding.Problem);
    }

    [Fact]
    public void Run_NoSuchService_ErrorSayingSo()
    {
        var findings = DoctorChecks.Run(Snapshot(new WebhookBackend("single-active-system", "single-active-webhook", 443, null, null)), TestWorkloads.Now);

        var finding = Assert.Single(findings, f => f.Subject == Subject);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.StartsWith("the webhooks call this Service, but there is no such Service: no webhook answers", finding.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WebhooksCallAPortTheServiceDoesNotHave_ErrorNamingBoth()
    {
        var findings = DoctorChecks.Run(Snapshot(Backend(ready: 2, notReady: 0) with { Port = 8443 }), TestWorkloads.Now);

        var finding = Assert.Single(findings, f => f.Subject == Subject);
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.StartsWith("the webhooks call port 8443, but the Service has port 443: every call fails", finding.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ServiceWithoutSelectorOrEndpoints_ErrorNamingTheSelector()
    {
        var findings = DoctorChecks.Run(Snapshot(Backend(ready: 0, notReady: 0) with { Endpoints = null }), TestWorkloads.Now);

        var finding = Assert.Single(findings, f => f.Subject == Subject);
        Assert.StartsWith("the Service has no Endpoints (it has no selector, and nobody wrote them)", finding.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ExternalNameService_NotChecked()
    {
        var backend = Backend(ready: 0, notReady: 0) with { Endpoints = null };
        backend.Service!.Spec.Type = "ExternalName";

        Assert.DoesNotContain(DoctorChecks.Run(Snapshot(backend), TestWorkloads.Now), f => f.Subject == Subject);
    }

    [Fact]
    public void Run_Forbidden_WarningThatItWasNotChecked()
    {
        var findings = DoctorChecks.Run(Snapshot(new WebhookBackend("single-active-system", "single-active-webhook", 443, null, null, "HTTP 403: Forbidden")), TestWorkloads.Now);

        var finding = Assert.Single(findings, f => f.Subject == Subject);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal("it could not be read (HTTP 403: Forbidden): whether a webhook replica answers was not checked", finding.Problem);
    }

    [Fact]
    public void Run_NoAdviceWebhook_InfoSayingWhatIsNotWarnedAbout()
    {
        var finding = Assert.Single(DoctorChecks.Run(Snapshot(Backend(ready: 2, notReady: 0)), TestWorkloads.Now), f => f.Problem.Contains(DoctorChecks.AdviceWebhookName, StringComparison.Ordinal));

        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Equal("mutatingwebhookconfiguration/single-active-webhook", finding.Subject);
    }

    /// <summary>The advice webhook fails open by design: neither it nor its failurePolicy is a finding, and the injecting webhooks still decide what an outage means.</summary>
    [Fact]
    public void Run_AdviceWebhookFailingOpen_NoFindingAboutItAndOutagesStillRejectOptedInObjects()
    {
        var snapshot = Snapshot(Backend(ready: 0, notReady: 2));
        snapshot.WebhookConfiguration!.Webhooks.Add(new V1MutatingWebhook
        {
            Name = DoctorChecks.AdviceWebhookName,
            FailurePolicy = "Ignore",
            ClientConfig = snapshot.WebhookConfiguration.Webhooks[0].ClientConfig,
        });

        var findings = DoctorChecks.Run(snapshot, TestWorkloads.Now);

        Assert.DoesNotContain(findings, f => f.Problem.Contains(DoctorChecks.AdviceWebhookName, StringComparison.Ordinal));
        Assert.EndsWith("the API server rejects every opted-in object until one answers", Assert.Single(findings, f => f.Subject == Subject).Problem, StringComparison.Ordinal);
    }

    [Theory]
    // the advice webhook's failurePolicy, its caBundle differs; expect (severity, start of the problem) of its findings
    [InlineData("Fail", false, "Warning|webhook advice.single-active.io has failurePolicy Fail: it only warns")]
    [InlineData("Ignore", true, "Warning|webhook advice.single-active.io has another caBundle than the other webhooks: the API server cannot verify the webhook when it calls advice.single-active.io, so its warnings are never given")]
    public void Run_AdviceWebhookMisconfigured_Warning(string failurePolicy, bool otherBundle, string expected)
    {
        var snapshot = Snapshot(Backend(ready: 2, notReady: 0));
        var service = snapshot.WebhookConfiguration!.Webhooks[0].ClientConfig.Service;
        snapshot.WebhookConfiguration.Webhooks.Add(new V1MutatingWebhook
        {
            Name = DoctorChecks.AdviceWebhookName,
            FailurePolicy = failurePolicy,
            ClientConfig = new Admissionregistrationv1WebhookClientConfig { Service = service, CaBundle = otherBundle ? [1, 2, 3] : null },
        });

        var finding = Assert.Single(DoctorChecks.Run(snapshot, TestWorkloads.Now), f => f.Problem.Contains(DoctorChecks.AdviceWebhookName, StringComparison.Ordinal));

        Assert.StartsWith(expected, $"{finding.Severity}|{finding.Problem}", StringComparison.Ordinal);
    }

    [Fact]
    public void Run_InjectingWebhookWithAnotherCaBundle_ErrorSayingItsObjectsAreRejected()
    {
        var snapshot = Snapshot(Backend(ready: 2, notReady: 0));
        snapshot.WebhookConfiguration!.Webhooks[1].ClientConfig.CaBundle = [1, 2, 3];

        var finding = Assert.Single(DoctorChecks.Run(snapshot, TestWorkloads.Now), f => f.Problem.Contains("another caBundle", StringComparison.Ordinal));

        Assert.Equal(Severity.Error, finding.Severity);
        Assert.EndsWith("so every object it is sent is rejected", finding.Problem, StringComparison.Ordinal);
    }

    /// <summary>Bundles are compared by their certificates: the same PEM with CRLF line endings is the same bundle, and the odd one out is named even when it is the first.</summary>
    [Fact]
    public void Run_CaBundles_ComparedByCertificatesAndTheOddOneNamed()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = new CertificateRequest("CN=single-active-ca", key, HashAlgorithmName.SHA256).CreateSelfSigned(TestWorkloads.Now.AddDays(-1), TestWorkloads.Now.AddDays(365));
        var pem = ca.ExportCertificatePem() + "\n";
        var snapshot = Snapshot(Backend(ready: 2, notReady: 0));
        var webhooks = snapshot.WebhookConfiguration!.Webhooks;
        webhooks.Add(new V1MutatingWebhook { Name = DoctorChecks.AdviceWebhookName, FailurePolicy = "Ignore", ClientConfig = new Admissionregistrationv1WebhookClientConfig { Service = webhooks[0].ClientConfig.Service } });
        webhooks[1].ClientConfig.CaBundle = Encoding.ASCII.GetBytes(pem);
        webhooks[2].ClientConfig.CaBundle = Encoding.ASCII.GetBytes(pem.Replace("\n", "\r\n", StringComparison.Ordinal));
        webhooks[0].ClientConfig.CaBundle = null; // a manual patch that missed /webhooks/0

        var findings = DoctorChecks.Run(snapshot, TestWorkloads.Now);

        var odd = Assert.Single(findings, f => f.Problem.Contains("another caBundle", StringComparison.Ordinal));
        Assert.Equal(Severity.Error, odd.Severity);
        Assert.StartsWith("webhook pods.single-active.io has another caBundle", odd.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain(findings, f => f.Problem.Contains("no readable caBundle", StringComparison.Ordinal)); // the shared bundle is read
    }

    [Fact]
    public void Run_NetworkPolicyIsolatingTheReplicasWithoutTheirPort_ErrorNamingItAndTheComponent()
    {
        var backend = Backend(ready: 2, notReady: 0) with { NetworkPolicies = [Policy("""{"podSelector":{},"policyTypes":["Ingress"]}""")], Pods = WebhookPods() };

        var finding = Assert.Single(DoctorChecks.Run(Snapshot(backend), TestWorkloads.Now), f => f.Subject == Subject);

        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal(
            "both pods: ingress isolated by NetworkPolicy deny, with no rule admitting TCP to port https (8443), which the API server calls: no call gets through, so the API server rejects every opted-in object until a replica is reachable",
            finding.Problem);
        Assert.Equal(
            "admit that port from any address: add deploy/components/network-policy to your overlay, or a rule for it from your control plane's range with an ipBlock; docs/install.md, \"Where NetworkPolicy denies by default\"",
            finding.Fix);
    }

    /// <summary>
    /// A pod injected after the policy and after the replicas (so on a connection opened after both) shows calls getting
    /// through; one injected before either proves nothing (a connection-tracking dataplane keeps older connections open).
    /// </summary>
    [Theory]
    [InlineData(-5, -30, Severity.Info)]
    [InlineData(-120, -30, Severity.Error)] // injected before the policy
    [InlineData(-5, -1, Severity.Error)] // injected before the replicas were replaced
    public void Run_PodInjectedAfterThePolicyAndTheReplicas_InformationThatCallsGetThrough(int podAgeMinutes, int replicasAgeMinutes, Severity expected)
    {
        var policy = Policy("""{"podSelector":{},"policyTypes":["Ingress"]}""");
        policy.Metadata.CreationTimestamp = TestWorkloads.Now.AddHours(-1).UtcDateTime;
        var replicas = WebhookPods();
        Array.ForEach(replicas, r => r.Metadata.CreationTimestamp = TestWorkloads.Now.AddMinutes(replicasAgeMinutes).UtcDateTime);
        var pod = TestWorkloads.Pod("web-0", "node-a", true);
        (pod.Metadata.NamespaceProperty, pod.Metadata.CreationTimestamp) = ("shop", TestWorkloads.Now.AddMinutes(podAgeMinutes).UtcDateTime);
        var snapshot = Snapshot(Backend(ready: 2, notReady: 0) with { NetworkPolicies = [policy], Pods = replicas }) with
        {
            Namespaces = [new NamespaceSnapshot("shop", [], [], [], [(TestWorkloads.Workload(), [pod])], [], [])],
        };

        var finding = Assert.Single(DoctorChecks.Run(snapshot, TestWorkloads.Now), f => f.Subject == Subject);

        Assert.Equal(expected, finding.Severity);
        if (expected == Severity.Info)
        {
            Assert.EndsWith(
                "; yet pod shop/web-0 was injected after the policies and these replicas were created (unless by single-active-webhook inject, offline): the CNI does not enforce NetworkPolicy, or another kind of policy (Cilium's, Calico's, AdminNetworkPolicy) lets that traffic through",
                finding.Problem,
                StringComparison.Ordinal);
        }
    }

    /// <summary>One replica isolated, the other not: calls that land on it fail; the API server on a replica's own node always reaches it.</summary>
    [Fact]
    public void Run_OneReplicaIsolatedOneOnTheApiServersNode_NamesTheIsolatedOne()
    {
        var replicas = WebhookPods();
        replicas[0].Status = new V1PodStatus { HostIP = "192.0.2.10" };
        var snapshot = Snapshot(Backend(ready: 2, notReady: 0) with { NetworkPolicies = [Policy("""{"podSelector":{},"policyTypes":["Ingress"]}""")], Pods = replicas }) with
        {
            ApiServer = new ApiServerDestinations([System.Net.IPEndPoint.Parse("10.0.0.1:443")], [System.Net.IPEndPoint.Parse("192.0.2.10:6443")]),
        };

        var finding = Assert.Single(DoctorChecks.Run(snapshot, TestWorkloads.Now), f => f.Subject == Subject);

        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal(
            "pod single-active-webhook-1: ingress isolated by NetworkPolicy deny, with no rule admitting TCP to port https (8443), which the API server calls: calls that land on it time out",
            finding.Problem);
    }

    [Fact]
    public void Run_NetworkPolicyAdmittingThePortFromPodsOnly_WarningThatTheApiServerIsNoPod()
    {
        var policy = Policy("""{"podSelector":{"matchLabels":{"app.kubernetes.io/name":"single-active-webhook"}},"ingress":[{"from":[{"namespaceSelector":{}}],"ports":[{"port":8443}]}]}""");

        var finding = Assert.Single(DoctorChecks.Run(Snapshot(Backend(ready: 2, notReady: 0) with { NetworkPolicies = [policy], Pods = WebhookPods() }), TestWorkloads.Now), f => f.Subject == Subject);

        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.StartsWith("both pods: ingress isolated by NetworkPolicy deny, whose rules admit TCP to port https (8443) only from pods, but the API server calls from its own address", finding.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"podSelector":{"matchLabels":{"app.kubernetes.io/name":"single-active-webhook"}},"policyTypes":["Ingress","Egress"],"ingress":[{"ports":[{"protocol":"TCP","port":"https"}]}],"egress":[{"ports":[{"port":443},{"port":6443}]}]}""")] // deploy/components/network-policy
    [InlineData("""{"podSelector":{},"ingress":[{"from":[{"ipBlock":{"cidr":"10.0.0.0/8"}}],"ports":[{"port":8443}]}]}""")] // the control plane's range
    [InlineData("""{"podSelector":{},"ingress":[{}]}""")]
    [InlineData("""{"podSelector":{"matchLabels":{"app":"other"}},"policyTypes":["Ingress"]}""")]
    [InlineData("""{"podSelector":{},"policyTypes":["Egress"]}""")]
    public void Run_NetworkPolicyLettingTheApiServerThrough_NoFinding(string spec)
    {
        var backend = Backend(ready: 2, notReady: 0) with { NetworkPolicies = [Policy(spec)], Pods = WebhookPods() };

        Assert.DoesNotContain(DoctorChecks.Run(Snapshot(backend), TestWorkloads.Now), f => f.Subject == Subject);
    }

    private static V1NetworkPolicy Policy(string spec) =>
        k8s.KubernetesJson.Deserialize<V1NetworkPolicy>($$"""{"metadata":{"name":"deny","namespace":"single-active-system"},"spec":{{spec}}}""");

    private static V1Pod[] WebhookPods() => [.. Enumerable.Range(0, 2).Select(i => new V1Pod
    {
        Metadata = new V1ObjectMeta { Name = $"single-active-webhook-{i}", Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "single-active-webhook" } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "webhook", Ports = [new V1ContainerPort { Name = "https", ContainerPort = 8443 }] }] },
    })];

    private static WebhookBackend Backend(int ready, int notReady) => new(
        "single-active-system",
        "single-active-webhook",
        443,
        new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "single-active-webhook", NamespaceProperty = "single-active-system" },
            Spec = new V1ServiceSpec
            {
                Selector = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "single-active-webhook" },
                Ports = [new V1ServicePort { Name = "https", Port = 443, TargetPort = 8443 }],
            },
        },
        new V1Endpoints
        {
            Metadata = new V1ObjectMeta { Name = "single-active-webhook", NamespaceProperty = "single-active-system" },
            Subsets =
            [
                new V1EndpointSubset
                {
                    Addresses = ready == 0 ? null : [.. Enumerable.Range(1, ready).Select(i => new V1EndpointAddress { Ip = $"fd00::{i}" })],
                    NotReadyAddresses = notReady == 0 ? null : [.. Enumerable.Range(1, notReady).Select(i => new V1EndpointAddress { Ip = $"fd00::1:{i}" })],
                },
            ],
        });

    private static ClusterSnapshot Snapshot(WebhookBackend backend) => new(
        new Version(1, 30),
        new V1MutatingWebhookConfiguration
        {
            Metadata = new V1ObjectMeta { Name = DoctorChecks.WebhookConfigurationName },
            Webhooks = [.. DoctorChecks.WebhookNames.Select(name => new V1MutatingWebhook
            {
                Name = name,
                FailurePolicy = "Fail",
                ClientConfig = new Admissionregistrationv1WebhookClientConfig
                {
                    Service = new Admissionregistrationv1ServiceReference { NamespaceProperty = "single-active-system", Name = "single-active-webhook", Path = "/mutate" },
                },
            })],
        },
        new Dictionary<string, V1ClusterRole>(),
        [],
        [],
        [],
        [backend]);
}

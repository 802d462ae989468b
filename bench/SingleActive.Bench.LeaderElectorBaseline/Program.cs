using System.Net;
using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using SingleActive.Bench.LeaderElectorBaseline;
using SingleActive.Contract;

var settings = BaselineSettings.FromEnvironment();
if (settings.Errors.Count > 0)
{
    foreach (var error in settings.Errors)
    {
        Console.Error.WriteLine(error);
    }

    return 2;
}

var kubeconfig = Environment.GetEnvironmentVariable("KUBECONFIG");
var config = string.IsNullOrEmpty(kubeconfig)
    ? KubernetesClientConfiguration.InClusterConfig()
    : KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
using var client = new Kubernetes(config);

var leaseLock = new LeaseLock(client, settings.Namespace, settings.LeaseName, settings.Identity);
using var elector = new LeaderElector(new LeaderElectionConfig(leaseLock)
{
    LeaseDuration = settings.Timings.LeaseDuration,
    RenewDeadline = settings.Timings.RenewDeadline,
    RetryPeriod = settings.Timings.RetryPeriod,
});

// The obvious ready flag: set when leading starts, cleared when it stops.
var ready = new ReadyFlag();
elector.OnStartedLeading += () => ready.Set(true);
elector.OnStoppedLeading += () => ready.Set(false);

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(settings.Bind, settings.Port));
var app = builder.Build();
app.MapGet(ElectorHttp.ReadyPath, () => ready.Value ? Results.Text("leader") : Results.Text("standby", statusCode: 503));
app.MapGet(ElectorHttp.HealthPath, () => Results.Text("ok"));
app.MapGet(ElectorHttp.StatusPath, () => Results.Text(
    $"{{\"identity\":\"{settings.Identity}\",\"leader\":\"{elector.GetLeader()}\",\"isLeader\":{(ready.Value ? "true" : "false")}}}", "application/json"));

var stopping = app.Lifetime.ApplicationStopping;
var election = Task.Run(() => elector.RunAndTryToHoldLeadershipForeverAsync(stopping), stopping);
await app.RunAsync();
try
{
    await election;
}
catch (OperationCanceledException)
{
    // SIGTERM: the obvious way simply stops; the Lease is left to expire.
}

return 0;

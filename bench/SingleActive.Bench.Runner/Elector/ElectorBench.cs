using System.Net;
using k8s;
using k8s.Models;
using SingleActive.Bench.Runner.Processes;
using SingleActive.Bench.Runner.Reporting;

namespace SingleActive.Bench.Runner.Elector;

/// <summary>
/// Runs every implementation's three replicas side by side against the same real API server, so
/// the comparison shares one machine state: idle footprint first (all groups in the same minute),
/// then handover, crash failover and the API-server cut, each group in parallel with the others.
/// </summary>
public sealed class ElectorBench(string kubeconfigPath, string workDirectory, IReadOnlyList<ElectorImplementation> implementations, ElectorBenchOptions options, FigureLog figures)
{
    public async Task RunAsync()
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath);
        using var client = new Kubernetes(config);
        var server = new Uri(config.Host);
        var apiServer = new IPEndPoint(IPAddress.Loopback, server.Port);
        var @namespace = $"bench-elector-{Environment.ProcessId}";
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = @namespace } }).ConfigureAwait(false);
        Directory.CreateDirectory(workDirectory);
        var kubeconfig = await File.ReadAllTextAsync(kubeconfigPath).ConfigureAwait(false);
        var groups = implementations.Select(i => new ElectorGroup(i, @namespace, workDirectory, kubeconfig, apiServer)).ToList();
        try
        {
            foreach (var group in groups)
            {
                group.StartAll();
            }

            await Task.WhenAll(groups.Select(g => g.WaitForSingleLeaderAsync(TimeSpan.FromSeconds(90)))).ConfigureAwait(false);
            Console.WriteLine($"[elector] every group has one leader; settling 10 s, then {options.Idle.TotalSeconds:F0} s idle");
            await Task.Delay(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            await IdleFootprint.MeasureAsync(groups, options.Idle, figures).ConfigureAwait(false);

            var scenarios = groups.Select(g => new ElectorScenarios(g, figures)).ToList();
            Console.WriteLine($"[elector] graceful handover, {options.HandoverRounds} rounds");
            await Task.WhenAll(scenarios.Select(s => s.TakeoverAsync(Signals.Term, options.HandoverRounds))).ConfigureAwait(false);
            Console.WriteLine($"[elector] crash failover, {options.CrashRounds} rounds");
            await Task.WhenAll(scenarios.Select(s => s.TakeoverAsync(Signals.Kill, options.CrashRounds))).ConfigureAwait(false);
            for (var round = 0; round < options.CutRounds; round++)
            {
                Console.WriteLine($"[elector] API-server cut (black hole) of the leader, round {round + 1}");
                var r = round;
                await Task.WhenAll(scenarios.Select(s => s.CutAsync(r))).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var group in groups)
            {
                await group.DisposeAsync().ConfigureAwait(false);
            }

            await client.CoreV1.DeleteNamespaceAsync(@namespace).ConfigureAwait(false);
        }
    }
}

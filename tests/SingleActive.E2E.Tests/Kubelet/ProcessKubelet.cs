using System.Collections.Concurrent;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SingleActive.E2E.Tests.Support;

namespace SingleActive.E2E.Tests.Kubelet;

/// <summary>
/// A test double for the one part of Kubernetes this machine cannot run: the kubelet. It registers
/// a Ready Node, runs every pod the real scheduler binds to it (the elector as the project's own
/// published binary, with a TokenRequest token for the pod's final ServiceAccount; app containers
/// whose command is a host binary as real processes), runs the rendered probes as a kubelet would,
/// honours restart policies, native sidecars and their start and stop order, and reports status the
/// endpoints and Job controllers act on.
/// </summary>
public sealed class ProcessKubelet : IAsyncDisposable
{
    private readonly IKubernetes _client;
    private readonly ProcessKubeletOptions _options;
    private readonly ChildProcessRegistry _registry;
    private readonly Action<string> _log;
    private readonly NodeAgent _node;
    private readonly PodIpAllocator _ips;
    private readonly ConcurrentDictionary<string, PodWorker> _workers = new();
    private readonly ConcurrentDictionary<(string Namespace, string Name), IReadOnlyList<ContainerEvent>> _gonePods = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _loops = Task.CompletedTask;

    public ProcessKubelet(IKubernetes client, ProcessKubeletOptions options, ChildProcessRegistry registry, Action<string> log)
    {
        _client = client;
        _options = options;
        _registry = registry;
        _log = log;
        _node = new NodeAgent(client, options, log);
        _ips = new PodIpAllocator(options.PodCidr);
    }

    public string NodeName => _options.NodeName;

    public async Task StartAsync()
    {
        Directory.CreateDirectory(_options.WorkDirectory);
        await _node.RegisterAsync(_stop.Token);
        _loops = Task.WhenAll(_node.RunHeartbeatAsync(_stop.Token).ContinueWith(_ => { }, TaskScheduler.Default), WatchPodsAsync(_stop.Token));
    }

    /// <summary>The elector's loopback address in a running pod (to read its /status), or null.</summary>
    public Uri? ElectorUrl(string ns, string pod) => Find(ns, pod)?.ElectorUrl;

    /// <summary>Turns a pod's app containers (or one of them) ready or unready, as if the app's health changed.</summary>
    public void SetAppReady(string ns, string pod, bool ready, string? container = null) =>
        (Find(ns, pod) ?? throw new InvalidOperationException($"pod {ns}/{pod} is not running on {NodeName}")).SetAppReady(container, ready);

    public bool IsRunning(string ns, string pod) => Find(ns, pod) is not null;

    /// <summary>What this kubelet did to a pod's containers and saw them do, in order (also once the pod is gone; empty for a pod it never ran).</summary>
    public IReadOnlyList<ContainerEvent> ContainerEvents(string ns, string pod) =>
        Find(ns, pod)?.Events ?? (_gonePods.TryGetValue((ns, pod), out var events) ? events : []);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loops;
        }
        catch (OperationCanceledException)
        {
        }

        foreach (var worker in _workers.Values)
        {
            await worker.DisposeAsync();
        }

        _workers.Clear();
        _stop.Dispose();
    }

    private PodWorker? Find(string ns, string pod) =>
        _workers.Values.FirstOrDefault(w => w.Namespace == ns && w.Name == pod);

    private async Task WatchPodsAsync(CancellationToken cancellationToken)
    {
        var selector = "spec.nodeName=" + _options.NodeName;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var list = await _client.CoreV1.ListPodForAllNamespacesAsync(fieldSelector: selector, cancellationToken: cancellationToken);
                foreach (var pod in list.Items)
                {
                    await ReconcileAsync(WatchEventType.Modified, pod);
                }

                foreach (var gone in _workers.Keys.Except(list.Items.Select(p => p.Metadata.Uid)).ToList())
                {
                    await ReconcileAsync(WatchEventType.Deleted, null, gone);
                }

                await foreach (var (type, pod) in _client.CoreV1.WatchListPodForAllNamespacesAsync(
                    fieldSelector: selector, resourceVersion: list.Metadata.ResourceVersion, allowWatchBookmarks: true, timeoutSeconds: 300, cancellationToken: cancellationToken))
                {
                    await ReconcileAsync(type, pod);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is HttpOperationException or HttpRequestException or IOException or KubernetesException)
            {
                _log($"kubelet pod watch ended ({exception.Message}); re-listing");
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    private async Task ReconcileAsync(WatchEventType type, V1Pod? pod, string? uid = null)
    {
        if (type is WatchEventType.Bookmark or WatchEventType.Error)
        {
            return;
        }

        uid ??= pod!.Metadata.Uid;
        if (type == WatchEventType.Deleted)
        {
            if (_workers.TryRemove(uid, out var removed))
            {
                _gonePods[(removed.Namespace, removed.Name)] = removed.Events;
                await removed.DisposeAsync();
            }

            return;
        }

        if (_workers.TryGetValue(uid, out var worker))
        {
            worker.Observe(pod!);
            return;
        }

        if (pod!.Metadata.DeletionTimestamp is not null)
        {
            // Deleted before it ever ran here, or finished before this kubelet started: nothing to stop.
            await DeleteNowAsync(pod);
            return;
        }

        if (pod.Status?.Phase is "Succeeded" or "Failed")
        {
            return;
        }

        worker = new PodWorker(_client, _options, _registry, _ips.Next(), _log, pod);
        _workers[uid] = worker;
        _log($"pod {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name}: starting (IP {worker.PodIp})");
        _ = StartWorkerAsync(worker, pod);
    }

    private async Task StartWorkerAsync(PodWorker worker, V1Pod pod)
    {
        try
        {
            await worker.StartAsync();
        }
        catch (Exception exception)
        {
            _log($"pod {worker.Namespace}/{worker.Name}: failed to start: {exception}");
        }
    }

    private async Task DeleteNowAsync(V1Pod pod)
    {
        try
        {
            await _client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, new V1DeleteOptions
            {
                GracePeriodSeconds = 0,
                Preconditions = new V1Preconditions { Uid = pod.Metadata.Uid },
            });
        }
        catch (HttpOperationException exception) when (exception.Response.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict)
        {
        }
    }
}

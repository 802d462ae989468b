using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;

namespace SingleActive.Kubectl.Doctor;

/// <summary>
/// The webhook configuration: both injecting webhooks present, failing closed, scoped to opted-in objects, the advice webhook present, a caBundle that is
/// readable and not about to expire, and a ready replica behind the Service they call.
/// </summary>
internal static class WebhookChecks
{
    public static IEnumerable<Finding> Run(ClusterSnapshot snapshot, DateTimeOffset now)
    {
        const string Subject = "mutatingwebhookconfiguration/" + DoctorChecks.WebhookConfigurationName;
        if (snapshot.WasRefused(RefusedReads.WebhookConfigurations))
        {
            yield break; // RefusedReads says so.
        }

        if (snapshot.WebhookConfiguration is not { } configuration)
        {
            yield return new Finding(Severity.Error, Subject, "not found: nothing injects the elector, so opted-in pods created from now on run without it",
                "install it: kubectl apply -k deploy/overlays/self-signed (or deploy/overlays/cert-manager)");
            yield break;
        }

        foreach (var name in DoctorChecks.WebhookNames)
        {
            if (configuration.Webhooks?.FirstOrDefault(w => w.Name == name) is not { } webhook)
            {
                yield return new Finding(Severity.Error, Subject, $"has no webhook {name}", "re-apply the overlay from deploy/");
                continue;
            }

            if (webhook.FailurePolicy != "Fail")
            {
                yield return new Finding(Severity.Error, Subject, $"webhook {name} has failurePolicy {webhook.FailurePolicy ?? "unset"}: while no replica answers, opted-in objects are admitted without the elector",
                    "set failurePolicy: Fail (the scope below keeps other objects out of its reach)");
            }

            if (webhook.MatchConditions is { Count: > 0 })
            {
                continue;
            }

            if (webhook.NamespaceSelector?.MatchLabels is { } labels && labels.TryGetValue("single-active.io/injection", out var value) && value == "enabled")
            {
                yield return new Finding(Severity.Info, Subject, $"webhook {name} uses the legacy scope (deploy/components/legacy-scope): only namespaces labelled single-active.io/injection=enabled are served",
                    "label the namespaces of single-active workloads: kubectl label namespace NS single-active.io/injection=enabled");
            }
            else
            {
                var version = snapshot.ServerVersion is { } v ? $"API server {v.Major}.{v.Minor}" : "this API server";
                yield return new Finding(Severity.Error, Subject, $"webhook {name} has no matchConditions and no opt-in namespace label: every {(name.StartsWith("pods", StringComparison.Ordinal) ? "pod" : "workload")} created in the selected namespaces goes through the webhook and is rejected while no replica answers",
                    snapshot.ServerVersion is { } sv && sv < new Version(1, 28)
                        ? $"{version} cannot store matchConditions: add the component deploy/components/legacy-scope to your overlay"
                        : "re-apply the overlay from deploy/ (it sets matchConditions on the single-active annotation)");
            }
        }

        if (configuration.Webhooks?.FirstOrDefault(w => w.Name == DoctorChecks.AdviceWebhookName) is not { } advice)
        {
            yield return new Finding(Severity.Info, Subject, $"has no webhook {DoctorChecks.AdviceWebhookName}: a Service, PodDisruptionBudget or NetworkPolicy written after its workload gets no warning when it reaches the standbys, blocks drains or cuts the electors off (doctor still reports them)",
                "re-apply the overlay from deploy/ for the warnings");
        }
        else if (advice.FailurePolicy == "Fail")
        {
            yield return new Finding(Severity.Warning, Subject, $"webhook {DoctorChecks.AdviceWebhookName} has failurePolicy Fail: it only warns, yet while no replica answers every Service, PodDisruptionBudget and NetworkPolicy write (and NetworkPolicy deletion) in its scope is rejected",
                "set failurePolicy: Ignore (as deploy/ ships it)");
        }

        foreach (var finding in CaBundles.Mismatches(configuration, Subject))
        {
            yield return finding;
        }

        foreach (var finding in Certificate(configuration, Subject, now))
        {
            yield return finding;
        }

        var optedIn = snapshot.Namespaces.SelectMany(ns => ns.Workloads.SelectMany(w => w.Pods)).ToList();
        foreach (var backend in snapshot.WebhookBackends ?? [])
        {
            var failClosed = FailsClosed(backend, configuration);
            if (Backend(backend, Meanwhile(failClosed, "one answers")) is { } finding)
            {
                yield return finding;
            }

            if (NetworkPolicyChecks.ForWebhook(backend, Meanwhile(failClosed, "a replica is reachable"), snapshot.ApiServer, optedIn) is { } cutOff)
            {
                yield return cutOff;
            }
        }
    }

    /// <summary>
    /// No ready address behind the Service means no webhook answers: the API server dials the Service (its cluster IP;
    /// the Endpoints' addresses with <c>--enable-aggregator-routing</c>), and either way only the ready addresses
    /// (<c>addresses</c>, not <c>notReadyAddresses</c>) are reached. What then happens to an opted-in object depends
    /// on the failurePolicy of the webhooks that call this Service. A single ready address is a warning: that replica's
    /// next restart, eviction or node drain is such an outage.
    /// </summary>
    private static Finding? Backend(WebhookBackend backend, string meanwhile)
    {
        var subject = backend.Subject;
        if (backend.Unreadable is { } error)
        {
            return new Finding(Severity.Warning, subject, $"it could not be read ({error}): whether a webhook replica answers was not checked",
                $"run doctor with get on services and endpoints in namespace {backend.Namespace}, or check yourself: kubectl -n {backend.Namespace} get service,endpoints {backend.Name}");
        }

        if (backend.Service is not { } found)
        {
            return new Finding(Severity.Error, subject, $"the webhooks call this Service, but there is no such Service: no webhook answers, so {meanwhile}",
                "re-apply the overlay from deploy/ (it creates the Service), or point the webhooks' clientConfig.service at the webhook's Service");
        }

        if (found.Spec?.Type == "ExternalName")
        {
            return null; // Outside the cluster: nothing here to count.
        }

        if (found.Spec?.Ports?.Any(p => p.Port == backend.Port) != true)
        {
            var ports = string.Join(", ", (found.Spec?.Ports ?? []).Select(p => p.Port));
            return new Finding(Severity.Error, subject, $"the webhooks call port {backend.Port}, but the Service has {(ports.Length == 0 ? "no port" : "port " + ports)}: every call fails, so {meanwhile}",
                $"set the webhooks' clientConfig.service.port to the Service's port (deploy/ uses 443), or add port {backend.Port} to the Service");
        }

        if (backend.Endpoints is null)
        {
            return new Finding(Severity.Error, subject, $"the Service has no Endpoints (it has no selector, and nobody wrote them): no webhook answers, so {meanwhile}",
                "give the Service the webhook pods' selector (deploy/ selects app.kubernetes.io/name: single-active-webhook)");
        }

        var seeWhy = $"see why: kubectl -n {backend.Namespace} describe endpoints {backend.Name}; kubectl -n {backend.Namespace} get pods " +
            $"(the shipped overlays: -l app.kubernetes.io/name=single-active-webhook, and kubectl -n {backend.Namespace} logs deployment/single-active-webhook)";
        return backend.Ready switch
        {
            0 => new Finding(Severity.Error, subject,
                backend.NotReady == 0
                    ? $"no webhook replica behind it (the Service selects no running pod, or its targetPort names no container port): {meanwhile}"
                    : $"no ready webhook replica ({backend.NotReady} not ready): {meanwhile}",
                seeWhy),

            // One replica is one restart, eviction or node drain away from the case above.
            1 => new Finding(Severity.Warning, subject,
                $"one ready webhook replica{(backend.NotReady == 0 ? "" : $" ({backend.NotReady} not ready)")}: while it restarts, is evicted or its node drains, {meanwhile}",
                backend.NotReady == 0
                    ? $"run two or more (the shipped Deployment runs 2, with a PodDisruptionBudget): kubectl -n {backend.Namespace} scale deployment/single-active-webhook --replicas=2"
                    : seeWhy),
            _ => null,
        };
    }

    /// <summary>What happens to opted-in objects while no call gets through, <paramref name="until"/> it does.</summary>
    private static string Meanwhile(bool failClosed, string until) => failClosed
        ? $"the API server rejects every opted-in object until {until}"
        : $"opted-in objects are admitted without the elector until {until} (failurePolicy Ignore)";

    /// <summary>Whether a webhook calling the Service fails closed: then no opted-in object is admitted while no call reaches a replica.</summary>
    private static bool FailsClosed(WebhookBackend backend, V1MutatingWebhookConfiguration configuration) =>
        configuration.Webhooks?.Any(w => w.FailurePolicy == "Fail"
            && w.ClientConfig?.Service is { } service && service.NamespaceProperty == backend.Namespace && service.Name == backend.Name) == true;

    private static IEnumerable<Finding> Certificate(V1MutatingWebhookConfiguration configuration, string subject, DateTimeOffset now)
    {
        var bundle = CaBundles.Reference(configuration);
        var certificates = new X509Certificate2Collection();
        try
        {
            if (bundle is { Length: > 0 })
            {
                certificates.ImportFromPem(Encoding.UTF8.GetString(bundle));
            }
        }
        catch (CryptographicException)
        {
        }

        if (certificates.Count == 0)
        {
            yield return new Finding(Severity.Error, subject, "no readable caBundle: the API server cannot verify the webhook's certificate and every opted-in object is rejected",
                "let the self-signed mode or cert-manager's cainjector fill it (docs/install.md), or set it from your CA: certs/generate.sh");
            yield break;
        }

        var expiry = certificates.Min(c => c.NotAfter.ToUniversalTime());
        if (expiry < now.UtcDateTime)
        {
            yield return new Finding(Severity.Error, subject, $"the caBundle's certificate expired on {expiry:yyyy-MM-dd}: the API server rejects the webhook",
                "renew the CA and the serving certificate (the self-signed mode renews them itself: is a webhook replica running?)");
        }
        else if (expiry - now.UtcDateTime < DoctorChecks.CertificateHeadsUp)
        {
            yield return new Finding(Severity.Warning, subject, $"the caBundle's certificate expires on {expiry:yyyy-MM-dd}", "renew the CA before then (docs/install.md)");
        }

        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }
    }
}

namespace SingleActive.Webhook.Logging;

/// <summary>
/// Every log event id the webhook writes, in one place (as YARP's <c>EventIds</c>): alerts match on them, so a
/// number never changes meaning. Each <c>[LoggerMessage]</c> names its id here, and docs/server.md ("Logging event
/// ids") lists them all; <c>EventIdsTests</c> holds the three together. An id is written as its area's first number plus
/// its place in the area (3xx and 6xx count from 0, the others from 1), so the number says which part of the webhook
/// wrote it, and a new id joins its area.
/// </summary>
internal static class EventIds
{
    // The areas: each one's first number.
    private const int
        PodInjectionArea = 300, // 3xx: one pod's injection
        WorkloadsArea = 600, // 6xx: Deployments, StatefulSets, and the advice on the objects that select their pods
        HttpAdmissionArea = 1000, // 1xxx: the HTTP admission endpoint
        CertificateFilesArea = 2000, // 2xxx: the certificate files
        ProvisioningArea = 3000, // 3xxx: the electors' ServiceAccounts and RoleBindings
        ClusterVersionsArea = 4000, // 4xxx: the versions of the API server and of the kubelets
        ShutdownArea = 5000, // 50xx: hosting, shutdown
        StartUpArea = 5100, // 51xx: hosting, start-up
        SelfSignedArea = 5300; // 53xx: hosting, self-signed certificates

    /// <summary>A pod was injected (Debug: routine traffic).</summary>
    public const int PodInjected = PodInjectionArea + 0;

    /// <summary>A pod was admitted without injection (e.g. not opted in), with the reason.</summary>
    public const int PodSkipped = PodInjectionArea + 1;

    /// <summary>A pod already carries the elector.</summary>
    public const int PodAlreadyInjected = PodInjectionArea + 2;

    /// <summary>A pod was denied (bad annotation, conflicting spec).</summary>
    public const int PodDenied = PodInjectionArea + 3;

    /// <summary>A pod was denied because its elector's ServiceAccount or RoleBinding could not be provisioned.</summary>
    public const int PodProvisioningFailed = PodInjectionArea + 4;

    /// <summary>A pod was denied after an unexpected error while provisioning its account.</summary>
    public const int PodProvisioningError = PodInjectionArea + 5;

    /// <summary>A pod that could not be read from the request was denied.</summary>
    public const int PodUnreadable = PodInjectionArea + 6;

    /// <summary>A pod was denied after an unexpected error while injecting.</summary>
    public const int PodInjectionError = PodInjectionArea + 7;

    /// <summary>A dry run keeps the pod's own account because the dedicated one does not exist yet.</summary>
    public const int PodDryRunKeepsAccount = PodInjectionArea + 8;

    /// <summary>A pod that opted in was admitted unchanged (a mirror pod).</summary>
    public const int PodAdmittedUnchanged = PodInjectionArea + 9;

    /// <summary>A Deployment or StatefulSet was admitted: mutated or unchanged, with the number of warnings.</summary>
    public const int WorkloadAdmitted = WorkloadsArea + 0;

    /// <summary>A Deployment or StatefulSet was denied.</summary>
    public const int WorkloadDenied = WorkloadsArea + 1;

    /// <summary>The advice from a namespace's PodDisruptionBudgets, Services or NetworkPolicies was skipped (no Kubernetes API).</summary>
    public const int AdviceSkipped = WorkloadsArea + 2;

    /// <summary>A namespace's PodDisruptionBudgets, Services or NetworkPolicies could not be listed; their advice is skipped.</summary>
    public const int AdviceLookupFailed = WorkloadsArea + 3;

    /// <summary>A Deployment or StatefulSet being deleted was allowed unchanged.</summary>
    public const int WorkloadBeingDeleted = WorkloadsArea + 4;

    /// <summary>A Service, PodDisruptionBudget or NetworkPolicy was admitted with warnings about the single-active workloads it affects.</summary>
    public const int WorkloadAdviceGiven = WorkloadsArea + 5;

    /// <summary>The advice on a Service, PodDisruptionBudget or NetworkPolicy could not be worked out; it was admitted without it.</summary>
    public const int WorkloadAdviceFailed = WorkloadsArea + 6;

    /// <summary>The advice on a Service, PodDisruptionBudget or NetworkPolicy was skipped: too many namespaces were being listed at once.</summary>
    public const int WorkloadAdviceBusy = WorkloadsArea + 7;

    /// <summary>An admission request was answered, with its decision and duration.</summary>
    public const int AdmissionAnswered = HttpAdmissionArea + 1;

    /// <summary>An admission request was denied.</summary>
    public const int AdmissionDenied = HttpAdmissionArea + 2;

    /// <summary>A request was refused at the HTTP level (400, 413, 415).</summary>
    public const int AdmissionRefused = HttpAdmissionArea + 3;

    /// <summary>An admission handler failed; the request was denied (fail closed).</summary>
    public const int AdmissionHandlerFailed = HttpAdmissionArea + 4;

    /// <summary>The serving certificate was loaded from the files at start-up.</summary>
    public const int CertificateLoaded = CertificateFilesArea + 1;

    /// <summary>Changed certificate files were loaded.</summary>
    public const int CertificateReloaded = CertificateFilesArea + 2;

    /// <summary>Changed certificate files could not be used; the previous certificate is still served.</summary>
    public const int CertificateReloadFailed = CertificateFilesArea + 3;

    /// <summary>Checking the certificate files failed; tried again at the next interval.</summary>
    public const int CertificateCheckFailed = CertificateFilesArea + 4;

    /// <summary>ServiceAccount or RoleBindings were created for an elector.</summary>
    public const int ProvisioningCreated = ProvisioningArea + 1;

    /// <summary>Provisioning an elector's account failed.</summary>
    public const int ProvisioningFailed = ProvisioningArea + 2;

    /// <summary>A ServiceAccount cannot be read (dry-run existence, or the annotations of a pod's default account).</summary>
    public const int ServiceAccountUnreadable = ProvisioningArea + 3;

    /// <summary>A new ServiceAccount has no token Secret yet (API servers before 1.21).</summary>
    public const int TokenSecretMissing = ProvisioningArea + 4;

    /// <summary>An account cannot be added to the node binding: drain-aware handover is off for it.</summary>
    public const int NodeBindingUnavailable = ProvisioningArea + 5;

    /// <summary>The node binding's subjects of deleted namespaces cannot be removed (or one removed too early was not put back).</summary>
    public const int NodeBindingPruneProblem = ProvisioningArea + 6;

    /// <summary>Subjects whose namespace no longer exists were removed from the node binding.</summary>
    public const int NodeBindingPruned = ProvisioningArea + 7;

    /// <summary>A namespace was deleted and created again within the provisioning cache period: its account is provisioned again.</summary>
    public const int NamespaceRecreated = ProvisioningArea + 8;

    /// <summary>The webhook may not read namespaces (an older ClusterRole): a recreated namespace is provisioned only after the cache period.</summary>
    public const int NamespaceUnreadable = ProvisioningArea + 9;

    /// <summary>The API server's version.</summary>
    public const int ApiServerVersion = ClusterVersionsArea + 1;

    /// <summary>The API server's version cannot be read.</summary>
    public const int ApiServerVersionFailed = ClusterVersionsArea + 2;

    /// <summary>The API server's version is unknown: no Kubernetes API is configured.</summary>
    public const int ApiServerVersionUnknown = ClusterVersionsArea + 3;

    /// <summary>The number of nodes and their oldest kubelet version.</summary>
    public const int KubeletVersions = ClusterVersionsArea + 4;

    /// <summary>The nodes cannot be listed for their kubelet versions.</summary>
    public const int KubeletVersionsFailed = ClusterVersionsArea + 5;

    /// <summary>SIGTERM: /readyz fails, then the listener closes.</summary>
    public const int ShuttingDown = ShutdownArea + 1;

    /// <summary>The server stopped.</summary>
    public const int Stopped = ShutdownArea + 2;

    /// <summary>The server listens, with its addresses.</summary>
    public const int Listening = StartUpArea + 1;

    /// <summary>No certificate flags: the local self-signed certificate and where its CA is.</summary>
    public const int LocalCertificate = StartUpArea + 2;

    /// <summary>No Kubernetes API: opted-in pods will be denied.</summary>
    public const int NoKubernetesApi = StartUpArea + 3;

    /// <summary>The Kubernetes API in use.</summary>
    public const int KubernetesApi = StartUpArea + 4;

    /// <summary>Self-signed mode started: Secret, webhook configuration, Lease and identity.</summary>
    public const int SelfSignedStarted = SelfSignedArea + 1;

    /// <summary>This replica became the certificate writer.</summary>
    public const int CertificateWriterElected = SelfSignedArea + 2;

    /// <summary>This replica is no longer the certificate writer.</summary>
    public const int CertificateWriterStopped = SelfSignedArea + 3;

    /// <summary>The certificate Secret was written (created, serving certificate renewed, or CA rotated).</summary>
    public const int SelfSignedSecretWritten = SelfSignedArea + 4;

    /// <summary>The caBundle of the MutatingWebhookConfiguration was patched.</summary>
    public const int CaBundlePatched = SelfSignedArea + 5;

    /// <summary>This replica serves the certificate from the Secret.</summary>
    public const int SelfSignedServing = SelfSignedArea + 6;

    /// <summary>The MutatingWebhookConfiguration does not exist yet.</summary>
    public const int WebhookConfigurationMissing = SelfSignedArea + 7;

    /// <summary>A poll of the self-signed certificate state failed.</summary>
    public const int SelfSignedPollFailed = SelfSignedArea + 8;

    /// <summary>The certificate Secret is not usable; the writer replaces it.</summary>
    public const int SelfSignedSecretUnusable = SelfSignedArea + 9;

    /// <summary>The certificate writer Lease was released.</summary>
    public const int CertificateWriterReleased = SelfSignedArea + 10;
}

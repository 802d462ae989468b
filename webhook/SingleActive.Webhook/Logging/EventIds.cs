namespace SingleActive.Webhook.Logging;

/// <summary>
/// Every log event id the webhook writes, in one place (as YARP's <c>EventIds</c>): alerts match on them, so a
/// number never changes meaning. Each <c>[LoggerMessage]</c> names its id here, and docs/server.md ("Logging event
/// ids") lists them all; <c>EventIdsTests</c> holds the three together. Hundreds are areas: 3xx pod injection,
/// 6xx workloads, 1xxx HTTP admission, 2xxx certificate files, 3xxx provisioning, 4xxx the cluster's versions,
/// 5xxx hosting (50xx shutdown, 51xx start-up, 53xx self-signed certificates).
/// </summary>
internal static class EventIds
{
    /// <summary>A pod was injected (Debug: routine traffic).</summary>
    public const int PodInjected = 300;

    /// <summary>A pod was admitted without injection (e.g. not opted in), with the reason.</summary>
    public const int PodSkipped = 301;

    /// <summary>A pod already carries the elector.</summary>
    public const int PodAlreadyInjected = 302;

    /// <summary>A pod was denied (bad annotation, conflicting spec).</summary>
    public const int PodDenied = 303;

    /// <summary>A pod was denied because its elector's ServiceAccount or RoleBinding could not be provisioned.</summary>
    public const int PodProvisioningFailed = 304;

    /// <summary>A pod was denied after an unexpected error while provisioning its account.</summary>
    public const int PodProvisioningError = 305;

    /// <summary>A pod that could not be read from the request was denied.</summary>
    public const int PodUnreadable = 306;

    /// <summary>A pod was denied after an unexpected error while injecting.</summary>
    public const int PodInjectionError = 307;

    /// <summary>A dry run keeps the pod's own account because the dedicated one does not exist yet.</summary>
    public const int PodDryRunKeepsAccount = 308;

    /// <summary>A pod that opted in was admitted unchanged (a mirror pod).</summary>
    public const int PodAdmittedUnchanged = 309;

    /// <summary>A Deployment or StatefulSet was admitted: mutated or unchanged, with the number of warnings.</summary>
    public const int WorkloadAdmitted = 600;

    /// <summary>A Deployment or StatefulSet was denied.</summary>
    public const int WorkloadDenied = 601;

    /// <summary>The advice from a namespace's PodDisruptionBudgets, Services or NetworkPolicies was skipped (no Kubernetes API).</summary>
    public const int AdviceSkipped = 602;

    /// <summary>A namespace's PodDisruptionBudgets, Services or NetworkPolicies could not be listed; their advice is skipped.</summary>
    public const int AdviceLookupFailed = 603;

    /// <summary>A Deployment or StatefulSet being deleted was allowed unchanged.</summary>
    public const int WorkloadBeingDeleted = 604;

    /// <summary>A Service, PodDisruptionBudget or NetworkPolicy was admitted with warnings about the single-active workloads it affects.</summary>
    public const int WorkloadAdviceGiven = 605;

    /// <summary>The advice on a Service, PodDisruptionBudget or NetworkPolicy could not be worked out; it was admitted without it.</summary>
    public const int WorkloadAdviceFailed = 606;

    /// <summary>The advice on a Service, PodDisruptionBudget or NetworkPolicy was skipped: too many namespaces were being listed at once.</summary>
    public const int WorkloadAdviceBusy = 607;

    /// <summary>An admission request was answered, with its decision and duration.</summary>
    public const int AdmissionAnswered = 1001;

    /// <summary>An admission request was denied.</summary>
    public const int AdmissionDenied = 1002;

    /// <summary>A request was refused at the HTTP level (400, 413, 415).</summary>
    public const int AdmissionRefused = 1003;

    /// <summary>An admission handler failed; the request was denied (fail closed).</summary>
    public const int AdmissionHandlerFailed = 1004;

    /// <summary>The serving certificate was loaded from the files at start-up.</summary>
    public const int CertificateLoaded = 2001;

    /// <summary>Changed certificate files were loaded.</summary>
    public const int CertificateReloaded = 2002;

    /// <summary>Changed certificate files could not be used; the previous certificate is still served.</summary>
    public const int CertificateReloadFailed = 2003;

    /// <summary>Checking the certificate files failed; tried again at the next interval.</summary>
    public const int CertificateCheckFailed = 2004;

    /// <summary>ServiceAccount or RoleBindings were created for an elector.</summary>
    public const int ProvisioningCreated = 3001;

    /// <summary>Provisioning an elector's account failed.</summary>
    public const int ProvisioningFailed = 3002;

    /// <summary>A ServiceAccount cannot be read (dry-run existence, or the annotations of a pod's default account).</summary>
    public const int ServiceAccountUnreadable = 3003;

    /// <summary>A new ServiceAccount has no token Secret yet (API servers before 1.21).</summary>
    public const int TokenSecretMissing = 3004;

    /// <summary>An account cannot be added to the node binding: drain-aware handover is off for it.</summary>
    public const int NodeBindingUnavailable = 3005;

    /// <summary>The node binding's subjects of deleted namespaces cannot be removed (or one removed too early was not put back).</summary>
    public const int NodeBindingPruneProblem = 3006;

    /// <summary>Subjects whose namespace no longer exists were removed from the node binding.</summary>
    public const int NodeBindingPruned = 3007;

    /// <summary>A namespace was deleted and created again within the provisioning cache period: its account is provisioned again.</summary>
    public const int NamespaceRecreated = 3008;

    /// <summary>The webhook may not read namespaces (an older ClusterRole): a recreated namespace is provisioned only after the cache period.</summary>
    public const int NamespaceUnreadable = 3009;

    /// <summary>The API server's version.</summary>
    public const int ApiServerVersion = 4001;

    /// <summary>The API server's version cannot be read.</summary>
    public const int ApiServerVersionFailed = 4002;

    /// <summary>The API server's version is unknown: no Kubernetes API is configured.</summary>
    public const int ApiServerVersionUnknown = 4003;

    /// <summary>The number of nodes and their oldest kubelet version.</summary>
    public const int KubeletVersions = 4004;

    /// <summary>The nodes cannot be listed for their kubelet versions.</summary>
    public const int KubeletVersionsFailed = 4005;

    /// <summary>SIGTERM: /readyz fails, then the listener closes.</summary>
    public const int ShuttingDown = 5001;

    /// <summary>The server stopped.</summary>
    public const int Stopped = 5002;

    /// <summary>The server listens, with its addresses.</summary>
    public const int Listening = 5101;

    /// <summary>No certificate flags: the local self-signed certificate and where its CA is.</summary>
    public const int LocalCertificate = 5102;

    /// <summary>No Kubernetes API: opted-in pods will be denied.</summary>
    public const int NoKubernetesApi = 5103;

    /// <summary>The Kubernetes API in use.</summary>
    public const int KubernetesApi = 5104;

    /// <summary>Self-signed mode started: Secret, webhook configuration, Lease and identity.</summary>
    public const int SelfSignedStarted = 5301;

    /// <summary>This replica became the certificate writer.</summary>
    public const int CertificateWriterElected = 5302;

    /// <summary>This replica is no longer the certificate writer.</summary>
    public const int CertificateWriterStopped = 5303;

    /// <summary>The certificate Secret was written (created, serving certificate renewed, or CA rotated).</summary>
    public const int SelfSignedSecretWritten = 5304;

    /// <summary>The caBundle of the MutatingWebhookConfiguration was patched.</summary>
    public const int CaBundlePatched = 5305;

    /// <summary>This replica serves the certificate from the Secret.</summary>
    public const int SelfSignedServing = 5306;

    /// <summary>The MutatingWebhookConfiguration does not exist yet.</summary>
    public const int WebhookConfigurationMissing = 5307;

    /// <summary>A poll of the self-signed certificate state failed.</summary>
    public const int SelfSignedPollFailed = 5308;

    /// <summary>The certificate Secret is not usable; the writer replaces it.</summary>
    public const int SelfSignedSecretUnusable = 5309;

    /// <summary>The certificate writer Lease was released.</summary>
    public const int CertificateWriterReleased = 5310;
}

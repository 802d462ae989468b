namespace SingleActive.Webhook.Injection;

/// <summary>Where the elector goes in the pod.</summary>
public enum SidecarMode
{
    /// <summary>Native sidecar when the API server is 1.29 or newer (where they are on by default), else a regular container.</summary>
    Auto,

    /// <summary>An <c>initContainers</c> entry with <c>restartPolicy: Always</c>, placed first: it starts before the app and stops after it.</summary>
    Native,

    /// <summary>A regular container appended to <c>containers</c>; works on every Kubernetes version.</summary>
    Container,
}

namespace SingleActive.Webhook.Injection;

/// <summary>The elector's form in a pod (<see cref="SidecarModes.Choose"/>); <paramref name="Reason"/> goes into the status annotation and messages.</summary>
public readonly record struct SidecarChoice(bool Native, string Reason);

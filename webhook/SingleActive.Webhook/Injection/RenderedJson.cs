namespace SingleActive.Webhook.Injection;

/// <summary>
/// The JSON of what render adds to every pod it injects for the same inputs, serialized once through KubernetesClient's
/// contract (<see cref="RenderedJsonCache"/>) and written into each patch as it is.
/// </summary>
/// <param name="Elector"><see cref="PodEdits.Elector"/>.</param>
/// <param name="StatusUrl"><see cref="PodEdits.StatusUrl"/>.</param>
/// <param name="TokenVolume"><see cref="PodEdits.TokenVolume"/>.</param>
public sealed record RenderedJson(byte[] Elector, byte[] StatusUrl, byte[] TokenVolume);

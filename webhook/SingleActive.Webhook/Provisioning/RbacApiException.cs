namespace SingleActive.Webhook.Provisioning;

/// <summary>An API call of the provisioner failed; the message names the object, the verb and the answer.</summary>
public sealed class RbacApiException(string message, Exception? inner = null) : Exception(message, inner);

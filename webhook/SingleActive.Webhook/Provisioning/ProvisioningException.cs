namespace SingleActive.Webhook.Provisioning;

public sealed class ProvisioningException(string message, Exception? inner = null) : Exception(message, inner);

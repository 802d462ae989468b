using SingleActive.Contract;

namespace SingleActive.Webhook.Provisioning;

/// <param name="CreateServiceAccount">True when the webhook switched the pod to its dedicated account, which it then owns and creates; a user's own account is only bound.</param>
public sealed record ServiceAccountRequest(string Namespace, string ServiceAccountName, bool CreateServiceAccount, ElectorMode Mode);

using SingleActive.Webhook.AdmissionReviews;

namespace SingleActive.Webhook.Admission;

/// <summary>Handles admission for one kind of object (pods, Deployments, StatefulSets, the advice on Services, budgets and NetworkPolicies).</summary>
public interface IResourceHandler : IAdmissionHandler
{
    bool CanHandle(GroupVersionKind kind);

    /// <summary>
    /// True for a handler that only advises (warnings, never a change that matters): <see cref="AdmissionDispatcher"/>
    /// then answers any exception that escapes it by admitting the object unchanged, where otherwise the endpoint
    /// refuses it (allowed=false, code 500), for a handler whose objects must never go in unchecked.
    /// </summary>
    bool FailsOpen => false;
}

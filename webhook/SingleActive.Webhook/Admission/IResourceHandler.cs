using SingleActive.Webhook.AdmissionReviews;

namespace SingleActive.Webhook.Admission;

/// <summary>Handles admission for one kind of object (pods, Deployments, StatefulSets).</summary>
public interface IResourceHandler : IAdmissionHandler
{
    bool CanHandle(GroupVersionKind kind);
}

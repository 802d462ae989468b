using System.Text;
using SingleActive.Webhook.Admission;
using SingleActive.Webhook.AdmissionReviews;

namespace SingleActive.Webhook.Tests.Serving;

/// <summary>
/// Answers by the request's object name, so serve-layer tests can ask for each kind of outcome without
/// depending on injection rules: "deny", "patch", "empty-patch", "warn", "throw", "slow" (waits for <see cref="Release"/>).
/// </summary>
public sealed class ScriptedAdmissionHandler : IAdmissionHandler
{
    public const string Patch = """[{"op":"add","path":"/metadata/labels","value":{"a":"b"}}]""";

    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource SlowStarted { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _release.TrySetResult();

    public void Reset()
    {
        _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        SlowStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public async Task<AdmissionOutcome> HandleAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        switch (request.Name)
        {
            case "deny":
                return AdmissionOutcome.Deny("pod x is denied: because the test says so");
            case "patch":
                return new AdmissionOutcome(true, Decisions.Injected, Patch: Encoding.UTF8.GetBytes(Patch), Warnings: ["first advisory"]);
            case "empty-patch":
                return new AdmissionOutcome(true, Decisions.AlreadyInjected, Patch: "[]"u8.ToArray());
            case "warn":
                return AdmissionOutcome.Allow(Decisions.Skipped, ["advisory one", "advisory two"]);
            case "throw":
                throw new InvalidOperationException("boom in the handler");
            case "slow":
                SlowStarted.TrySetResult();
                await _release.Task.WaitAsync(cancellationToken);
                return AdmissionOutcome.Allow(Decisions.Skipped);
            default:
                return AdmissionOutcome.Allow(Decisions.Skipped);
        }
    }
}

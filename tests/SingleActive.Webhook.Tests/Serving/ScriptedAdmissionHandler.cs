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

    private TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource SlowStarted { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => release.TrySetResult();

    public void Reset()
    {
        release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        SlowStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public async Task<MutationResult> HandleAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        switch (request.Name)
        {
            case "deny":
                return MutationResult.Deny("pod x is denied: because the test says so");
            case "patch":
                return MutationResult.Allow(Decisions.Injected, Encoding.UTF8.GetBytes(Patch), ["first advisory"]);
            case "empty-patch":
                return MutationResult.Allow(Decisions.AlreadyInjected, "[]"u8.ToArray());
            case "warn":
                return MutationResult.Allow(Decisions.Skipped, warnings: ["advisory one", "advisory two"]);
            case "throw":
                throw new InvalidOperationException("boom in the handler");
            case "slow":
                SlowStarted.TrySetResult();
                await release.Task.WaitAsync(cancellationToken);
                return MutationResult.Skip();
            default:
                return MutationResult.Skip();
        }
    }
}

using SingleActive.Webhook.Logging;
using SingleActive.Tests.Shared;

namespace SingleActive.Webhook.Tests.Logging;

/// <summary>
/// Holds the registry, the log messages and docs/server.md together: every <c>[LoggerMessage]</c> names an id of
/// <see cref="EventIds"/>, each id is one message's, and the docs table lists each with its level.
/// </summary>
public class EventIdsTests
{
    private const string Docs = "docs/server.md";
    private const string Section = "## Logging event ids";

    [Fact]
    public void EventIds_Constants_NoTwoShareANumber() => EventIdRegistryAssertions.NoTwoShareANumber(typeof(EventIds));

    [Fact]
    public void EventIds_Constants_EachInTheDocsTableWithItsLevel() => EventIdRegistryAssertions.EachInTheDocsTableWithItsLevel(typeof(EventIds), Docs, Section);

    [Fact]
    public void LoggerMessages_InTheAssembly_EachUsesItsOwnRegisteredId() => EventIdRegistryAssertions.EachMessageUsesItsOwnRegisteredId(typeof(EventIds));
}

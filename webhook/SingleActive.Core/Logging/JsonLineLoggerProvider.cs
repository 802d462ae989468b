using Microsoft.Extensions.Logging;

namespace SingleActive.Core.Logging;

/// <summary>
/// <see cref="JsonLineLogger"/> for hosts with a logger factory (the webhook): levels are filtered by the factory
/// (<c>Logging:LogLevel:*</c>), so each logger here writes whatever reaches it.
/// </summary>
public sealed class JsonLineLoggerProvider(TextWriter output, TimeProvider time) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new JsonLineLogger(categoryName, LogLevel.Trace, output, time);

    public void Dispose()
    {
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SingleActive.Webhook.Tests.Provisioners;

/// <summary>Keeps every log entry (level, event id, formatted message), for tests of what is said and how often.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, int EventId, string Message)> entries = new();

    public IReadOnlyList<(LogLevel Level, int EventId, string Message)> Entries => [.. entries];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        entries.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
    }
}

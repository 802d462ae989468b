using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace SingleActive.Core.Logging;

/// <summary>
/// The log format of every binary (docs/logging.md): one JSON object per line with <c>time</c>, <c>level</c>,
/// <c>logger</c>, <c>eventId</c> and <c>event</c>, the rendered <c>msg</c>, every structured field (camelCase) and
/// <c>exception</c>. A few dozen lines instead of Microsoft.Extensions.Logging.Console and its configuration stack,
/// which would cost the elector sidecar several MB of resident memory. Scopes are not written.
/// </summary>
public sealed class JsonLineLogger(string category, LogLevel minimum, TextWriter output, TimeProvider time) : ILogger
{
    private static readonly Lock WriteLock = new();

    // Log lines are read by people and log shippers, not embedded in HTML: keep '+', quotes and non-ASCII readable.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("time", time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(logLevel));
            json.WriteString("logger", category);
            if (eventId.Id != 0)
            {
                json.WriteNumber("eventId", eventId.Id);
            }

            if (eventId.Name is { } name)
            {
                json.WriteString("event", name);
            }

            json.WriteString("msg", formatter(state, exception));
            if (state is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                foreach (var (key, value) in fields)
                {
                    if (key == "{OriginalFormat}")
                    {
                        continue;
                    }

                    var field = char.ToLowerInvariant(key[0]) + key[1..];
                    switch (value)
                    {
                        case null:
                            json.WriteNull(field);
                            break;
                        case bool b:
                            json.WriteBoolean(field, b);
                            break;
                        case int i:
                            json.WriteNumber(field, i);
                            break;
                        case long l:
                            json.WriteNumber(field, l);
                            break;
                        default:
                            json.WriteString(field, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                            break;
                    }
                }
            }

            if (exception is not null)
            {
                json.WriteString("exception", exception.ToString());
            }

            json.WriteEndObject();
        }

        var line = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        lock (WriteLock)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        _ => "critical",
    };
}

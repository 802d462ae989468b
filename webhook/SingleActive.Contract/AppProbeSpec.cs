using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SingleActive.Contract;

/// <summary>
/// The app's readinessProbe as the webhook hands it to the elector (env <see cref="ElectorEnv.AppProbe"/>): the
/// fields the kubelet acts on, with a named port already resolved to its number and the API server's defaults
/// filled in. <see cref="Tcp"/> probes connect; HTTP probes GET <see cref="Path"/> with <see cref="Headers"/>,
/// never verifying an HTTPS certificate (the kubelet does not either: pkg/probe/http/http.go,
/// <c>InsecureSkipVerify: true</c>). An empty <see cref="Host"/> means the pod IP.
/// </summary>
/// <param name="Tcp">A tcpSocket probe; otherwise httpGet.</param>
/// <param name="Scheme">"http" or "https" (lowercase).</param>
public sealed record AppProbeSpec(
    bool Tcp,
    string Scheme,
    string Host,
    int Port,
    string Path,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    int TimeoutSeconds,
    int PeriodSeconds,
    int FailureThreshold)
{
    /// <summary>Compact JSON, written by hand so NativeAOT needs no serializer metadata.</summary>
    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", Tcp ? "tcp" : Scheme);
            writer.WriteString("host", Host);
            writer.WriteNumber("port", Port);
            if (!Tcp)
            {
                writer.WriteString("path", Path);
                writer.WriteStartArray("headers");
                foreach (var (name, value) in Headers)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", name);
                    writer.WriteString("value", value);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteNumber("timeoutSeconds", TimeoutSeconds);
            writer.WriteNumber("periodSeconds", PeriodSeconds);
            writer.WriteNumber("failureThreshold", FailureThreshold);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <returns>Null with <paramref name="problem"/> set when <paramref name="json"/> is not such a probe.</returns>
    public static AppProbeSpec? Parse(string json, out string? problem)
    {
        problem = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var type = root.GetProperty("type").GetString();
            if (type is not ("tcp" or "http" or "https"))
            {
                problem = $"type '{type}' is not tcp, http or https";
                return null;
            }

            var headers = new List<KeyValuePair<string, string>>();
            if (root.TryGetProperty("headers", out var list))
            {
                foreach (var header in list.EnumerateArray())
                {
                    headers.Add(new(header.GetProperty("name").GetString() ?? "", header.GetProperty("value").GetString() ?? ""));
                }
            }

            var spec = new AppProbeSpec(
                type == "tcp",
                type == "https" ? "https" : "http",
                root.TryGetProperty("host", out var host) ? host.GetString() ?? "" : "",
                root.GetProperty("port").GetInt32(),
                root.TryGetProperty("path", out var path) ? path.GetString() ?? "/" : "/",
                headers,
                Positive(root, "timeoutSeconds", 1),
                Positive(root, "periodSeconds", 10),
                Positive(root, "failureThreshold", 3));
            if (spec.Port is < 1 or > 65535)
            {
                problem = string.Create(CultureInfo.InvariantCulture, $"port {spec.Port} is not a TCP port");
                return null;
            }

            return spec;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            problem = e.Message;
            return null;
        }
    }

    private static int Positive(JsonElement root, string name, int fallback) =>
        root.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) && number > 0 ? number : fallback;
}

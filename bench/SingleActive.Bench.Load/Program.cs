using System.Text;
using System.Text.Json;
using SingleActive.Bench.Load;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

var bodies = RequestBodies.Load(options.Bodies, options.DryRun, options.OptOut);
using var target = new HttpTarget(options);

// Check each body once, so a run never measures a stream of 400s or denials by mistake.
byte[]? smallestAnswer = null;
for (var i = 0; i < bodies.Count; i++)
{
    var (status, body) = await target.PostAsync(bodies.For(i));
    var answer = ReadAnswer(body);
    Console.Error.WriteLine($"[{options.Label}] {bodies.Names[i]}: HTTP {status} {Describe(answer)}");
    if (status != 200)
    {
        Console.Error.WriteLine($"[{options.Label}] {bodies.Names[i]} is not answered with 200: {Encoding.UTF8.GetString(body)}");
        return 1;
    }

    if (options.SaveResponse is not null)
    {
        // Only an injected answer will do: a denial or an answer without a patch would make the answer-sized ceiling
        // measure the wrong thing.
        if (answer is not { Allowed: true, PatchBytes: > 0 })
        {
            Console.Error.WriteLine($"[{options.Label}] --save-response: {bodies.Names[i]} is not answered with an allowed patch: {Encoding.UTF8.GetString(body)}");
            return 1;
        }

        if (smallestAnswer is null || body.Length < smallestAnswer.Length)
        {
            smallestAnswer = body;
        }
    }
}

if (options.SaveResponse is not null && smallestAnswer is not null)
{
    await File.WriteAllBytesAsync(options.SaveResponse, smallestAnswer);
}

var result = options.Saturate
    ? await SaturationRun.RunAsync(options, target, bodies)
    : await FixedRateRun.RunAsync(options, target, bodies);
Console.WriteLine(result.ToLine());
if (options.JsonOut is not null)
{
    await File.AppendAllTextAsync(options.JsonOut, result.ToJson() + "\n");
}

if (options.HistogramOut is not null)
{
    await File.WriteAllTextAsync(options.HistogramOut, result.Latency.Distribution());
}

return result.Errors == 0 ? 0 : 3;

// The answer's allowed, decoded patch size and status message; null when the body is not an AdmissionReview response.
static (bool Allowed, int PatchBytes, string? Message)? ReadAnswer(byte[] body)
{
    try
    {
        using var doc = JsonDocument.Parse(body);
        var response = doc.RootElement.GetProperty("response");
        var allowed = response.TryGetProperty("allowed", out var a) && a.GetBoolean();
        var patch = response.TryGetProperty("patch", out var p) && p.ValueKind == JsonValueKind.String ? Convert.FromBase64String(p.GetString()!).Length : 0;
        var message = response.TryGetProperty("status", out var s) && s.TryGetProperty("message", out var m) ? m.GetString() : null;
        return (allowed, patch, message);
    }
    catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
    {
        return null;
    }
}

static string Describe((bool Allowed, int PatchBytes, string? Message)? answer) =>
    answer is { } a
        ? $"allowed={a.Allowed} patch={a.PatchBytes}B{(a.Message is null ? "" : " message=" + a.Message)}"
        : "(not an AdmissionReview response)";

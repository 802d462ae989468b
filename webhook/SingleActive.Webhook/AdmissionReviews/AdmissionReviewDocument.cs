using System.Buffers;
using System.Text.Json;

namespace SingleActive.Webhook.AdmissionReviews;

/// <summary>
/// A request body parsed once into a <see cref="JsonDocument"/>, with the <see cref="AdmissionReview"/> read
/// from it: <c>request.object</c> and <c>request.oldObject</c> stay elements of this document, never parsed
/// or copied again. Disposing returns the document's buffers; the review's elements are invalid afterwards.
/// </summary>
public sealed class AdmissionReviewDocument : IDisposable
{
    private readonly JsonDocument document;

    private AdmissionReviewDocument(JsonDocument document, AdmissionReview review)
    {
        this.document = document;
        Review = review;
    }

    public AdmissionReview Review { get; }

    /// <summary>
    /// Parses <paramref name="body"/> (copied: the caller's buffer may be reused); null for a JSON <c>null</c>.
    /// Throws <see cref="JsonException"/> naming what is wrong.
    /// </summary>
    public static AdmissionReviewDocument? Parse(ReadOnlySequence<byte> body, int maxDepth)
    {
        var document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = maxDepth });
        if (document.RootElement.ValueKind == JsonValueKind.Null)
        {
            document.Dispose();
            return null;
        }

        try
        {
            return new AdmissionReviewDocument(document, ReadReview(document.RootElement));
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    public void Dispose() => this.document.Dispose();

    private static AdmissionReview ReadReview(JsonElement root)
    {
        RequireObject(root, "the document");
        return new AdmissionReview
        {
            ApiVersion = String(root, "apiVersion", ""),
            Kind = String(root, "kind", ""),
            Request = Object(root, "request", "", ReadRequest),
        };
    }

    private static AdmissionRequest ReadRequest(JsonElement request, string path) => new()
    {
        Uid = String(request, "uid", path),
        Kind = Object(request, "kind", path, static (kind, at) => new GroupVersionKind
        {
            Group = String(kind, "group", at),
            Version = String(kind, "version", at),
            Kind = String(kind, "kind", at),
        }),
        Resource = Object(request, "resource", path, static (resource, at) => new GroupVersionResource
        {
            Group = String(resource, "group", at),
            Version = String(resource, "version", at),
            Resource = String(resource, "resource", at),
        }),
        SubResource = String(request, "subResource", path),
        Name = String(request, "name", path),
        Namespace = String(request, "namespace", path),
        Operation = String(request, "operation", path),
        Object = Member(request, "object"),
        OldObject = Member(request, "oldObject"),
        DryRun = Boolean(request, "dryRun", path),
    };

    private static string? String(JsonElement parent, string name, string path) =>
        Member(parent, name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } value => value.GetString(),
            { } value => throw WrongType(path, name, "a string", value),
        };

    private static bool? Boolean(JsonElement parent, string name, string path) =>
        Member(parent, name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            { } value => throw WrongType(path, name, "true or false", value),
        };

    private static T? Object<T>(JsonElement parent, string name, string path, Func<JsonElement, string, T> read)
        where T : class =>
        Member(parent, name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.Object } value => read(value, Join(path, name)),
            { } value => throw WrongType(path, name, "an object", value),
        };

    /// <summary>The member, or null when absent or JSON null (as the serializer treats optional fields).</summary>
    private static JsonElement? Member(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static void RequireObject(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"{what} is {Describe(element)}, not an object");
        }
    }

    private static JsonException WrongType(string path, string name, string expected, JsonElement value) =>
        new($"\"{Join(path, name)}\" must be {expected}, not {Describe(value)}");

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}

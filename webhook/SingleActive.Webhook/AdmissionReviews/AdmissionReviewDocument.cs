using System.Buffers;
using System.Text.Json;
using SingleActive.Webhook.Injection;

namespace SingleActive.Webhook.AdmissionReviews;

/// <summary>
/// A request body read once: one pass of a <see cref="Utf8JsonReader"/> validates the whole document, notes where the
/// envelope's members are and reads <c>request.object</c>'s <see cref="PodOutline"/> on the way; only the envelope's
/// own fields are decoded. <c>request.object</c> and <c>request.oldObject</c> stay slices of the body
/// (<see cref="RawJsonValue"/>), parsed later by whoever reads them — the pod path straight into its typed pod, the
/// workload path into a <see cref="JsonElement"/>.
/// </summary>
/// <remarks>
/// Reads as <see cref="JsonDocument"/> did before it: the whole body is checked for syntax (and depth) first, so a
/// syntax error is reported before a member of the wrong type; a member given twice takes its last value; a JSON
/// <c>null</c> member counts as absent; members are checked in the order of the wire types.
/// </remarks>
public sealed class AdmissionReviewDocument
{
    private static readonly byte[][] ReviewMembers = [.. new[] { "apiVersion", "kind", "request" }.Select(Utf8)];
    private static readonly byte[][] RequestMembers =
        [.. new[] { "uid", "kind", "resource", "subResource", "name", "namespace", "operation", "object", "oldObject", "dryRun" }.Select(Utf8)];

    private static readonly byte[][] KindMembers = [.. new[] { "group", "version", "kind" }.Select(Utf8)];
    private static readonly byte[][] ResourceMembers = [.. new[] { "group", "version", "resource" }.Select(Utf8)];

    private readonly byte[] body;

    private AdmissionReviewDocument(byte[] body, Walk walk)
    {
        this.body = body;
        Review = ReadReview(walk);
    }

    public AdmissionReview Review { get; }

    /// <summary>
    /// Reads <paramref name="body"/> (copied once: the caller's buffer may be reused); null for a JSON <c>null</c>.
    /// Throws <see cref="JsonException"/> naming what is wrong, or <see cref="InvalidOperationException"/> for an
    /// envelope string that is not valid UTF-8.
    /// </summary>
    public static AdmissionReviewDocument? Parse(ReadOnlySequence<byte> body, int maxDepth)
    {
        var bytes = body.ToArray();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = maxDepth });
        if (!reader.Read())
        {
            throw new JsonException("The input does not contain any JSON tokens.");
        }

        var root = reader.TokenType;
        var walk = root == JsonTokenType.StartObject ? WalkReview(ref reader, bytes) : null;
        if (walk is null)
        {
            reader.Skip();
        }

        if (reader.Read())
        {
            // Unreachable for a single value (the reader throws on trailing data), kept as a guard.
            throw new JsonException("The input has data after its single JSON value.");
        }

        return root switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.StartObject => new AdmissionReviewDocument(bytes, walk!),
            _ => throw new JsonException($"the document is {new JsonMember(root, 0, 0).Describe()}, not an object"),
        };
    }

    /// <summary>The review's members; within the last <c>request</c> that is an object, its members and its object's outline.</summary>
    private static Walk WalkReview(ref Utf8JsonReader reader, byte[] body)
    {
        var walk = new Walk(new JsonMember[ReviewMembers.Length]);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = JsonMember.IndexOf(ref reader, ReviewMembers);
            reader.Read();
            var (token, start) = (reader.TokenType, (int)reader.TokenStartIndex);
            if (index == 2 && token == JsonTokenType.StartObject)
            {
                (walk.Request, walk.ObjectOutline) = WalkRequest(ref reader, body);
            }
            else
            {
                reader.Skip();
            }

            if (index >= 0)
            {
                walk.Review[index] = new JsonMember(token, start, (int)reader.BytesConsumed - start);
            }
        }

        return walk;
    }

    private static (JsonMember[] Members, PodOutline? ObjectOutline) WalkRequest(ref Utf8JsonReader reader, byte[] body)
    {
        var members = new JsonMember[RequestMembers.Length];
        PodOutline? outline = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = JsonMember.IndexOf(ref reader, RequestMembers);
            reader.Read();
            var (token, start) = (reader.TokenType, (int)reader.TokenStartIndex);
            if (index == 7)
            {
                outline = token == JsonTokenType.StartObject ? PodOutline.Read(ref reader, body) : null;
            }

            reader.Skip(); // On the object's '}' already when its outline was read: no-op.
            if (index >= 0)
            {
                members[index] = new JsonMember(token, start, (int)reader.BytesConsumed - start);
            }
        }

        return (members, outline);
    }

    private static byte[] Utf8(string name) => System.Text.Encoding.UTF8.GetBytes(name);

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private AdmissionReview ReadReview(Walk walk)
    {
        var members = walk.Review;
        return new AdmissionReview
        {
            ApiVersion = String(members[0], "", "apiVersion"),
            Kind = String(members[1], "", "kind"),
            Request = Object(members[2], "", "request", (_, path) => ReadRequest(walk.Request!, walk.ObjectOutline, path)),
        };
    }

    private AdmissionRequest ReadRequest(JsonMember[] members, PodOutline? objectOutline, string path) => new()
    {
        Uid = String(members[0], path, "uid"),
        Kind = Object(members[1], path, "kind", (at, kindPath) =>
        {
            var kind = JsonMember.Find(body, at, KindMembers);
            return new GroupVersionKind { Group = String(kind[0], kindPath, "group"), Version = String(kind[1], kindPath, "version"), Kind = String(kind[2], kindPath, "kind") };
        }),
        Resource = Object(members[2], path, "resource", (at, resourcePath) =>
        {
            var resource = JsonMember.Find(body, at, ResourceMembers);
            return new GroupVersionResource
            {
                Group = String(resource[0], resourcePath, "group"),
                Version = String(resource[1], resourcePath, "version"),
                Resource = String(resource[2], resourcePath, "resource"),
            };
        }),
        SubResource = String(members[3], path, "subResource"),
        Name = String(members[4], path, "name"),
        Namespace = String(members[5], path, "namespace"),
        Operation = String(members[6], path, "operation"),
        Object = Raw(members[7], objectOutline),
        OldObject = Raw(members[8], null),
        DryRun = Boolean(members[9], path, "dryRun"),
    };

    private string? String(JsonMember member, string path, string name) =>
        member.IsMissing ? null
        : member.Token == JsonTokenType.String ? member.GetString(body)
        : throw WrongType(path, name, "a string", member);

    private static bool? Boolean(JsonMember member, string path, string name) => member.Token switch
    {
        JsonTokenType.None or JsonTokenType.Null => null,
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw WrongType(path, name, "true or false", member),
    };

    private static T? Object<T>(JsonMember member, string path, string name, Func<int, string, T> read)
        where T : class =>
        member.IsMissing ? null
        : member.Token == JsonTokenType.StartObject ? read(member.Start, Join(path, name))
        : throw WrongType(path, name, "an object", member);

    private RawJsonValue? Raw(JsonMember member, PodOutline? outline) =>
        member.IsMissing ? null : new RawJsonValue(body.AsMemory(member.Start, member.Length), member.ValueKind, outline);

    private static JsonException WrongType(string path, string name, string expected, JsonMember value) =>
        new($"\"{Join(path, name)}\" must be {expected}, not {value.Describe()}");

    /// <summary>What the one pass found: the review's members, and those of its last <c>request</c> when that is an object.</summary>
    private sealed class Walk(JsonMember[] review)
    {
        public JsonMember[] Review { get; } = review;

        public JsonMember[]? Request { get; set; }

        public PodOutline? ObjectOutline { get; set; }
    }
}

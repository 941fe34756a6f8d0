using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ServerlessMl.Definitions;
using ServerlessMl.Monitoring;

namespace ServerlessMl.Http;

/// <summary>
/// Reads the feedback route's body: <c>{"requestId", "item", "label"}</c> or an array of them, each
/// checked by name (as predict checks its fields: unknown or repeated fields are errors) and its
/// label parsed by the model's definition. Every error is reported at once, keyed by JSON path.
/// </summary>
internal static class FeedbackBody
{
    /// <summary>Longest request id: the predict answer's <c>x-request-id</c> is never longer.</summary>
    public const int MaxRequestIdLength = 64;

    public const string RequestIdPattern = "^[A-Za-z0-9._:-]{1,64}$";

    private const string Shape = "Send {\"requestId\": \"<x-request-id of the predict answer>\", \"item\": 0, \"label\": <the true outcome>} or an array of them.";

    /// <summary>The records to append (time and truth filled in), or the problem to answer with.</summary>
    public static (IReadOnlyList<FeedbackRecord> Records, IResult? Problem) Read(JsonElement root, IModelDefinition definition, int maxBatch, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new FieldErrors();
        var records = new List<FeedbackRecord>();
        if (root.ValueKind == JsonValueKind.Array)
        {
            var count = root.GetArrayLength();
            if (count == 0)
            {
                return ([], Problems.BadRequest("The array is empty. " + Shape));
            }

            if (count > maxBatch)
            {
                return ([], Problems.PayloadTooLarge($"The batch has {count} items; the limit is {maxBatch}."));
            }

            var index = 0;
            foreach (var element in root.EnumerateArray())
            {
                ReadOne(element, index++, definition, maxBatch, time, errors, records);
            }
        }
        else
        {
            ReadOne(root, FieldErrors.NoItem, definition, maxBatch, time, errors, records);
        }

        return errors.All is null ? (records, null) : ([], Problems.BadRequest(Shape, errors.All));
    }

    private static void ReadOne(JsonElement element, int index, IModelDefinition definition, int maxBatch, DateTimeOffset time, FieldErrors errors, List<FeedbackRecord> records)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(index, null, "must be a JSON object with requestId and label");
            return;
        }

        string? requestId = null;
        var item = 0;
        double? actual = null;
        string? label = null;
        var valid = true;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            string? problem = null;
            if (!seen.Add(property.Name))
            {
                problem = "appears more than once";
            }
            else if (property.Name == "requestId")
            {
                requestId = RequestId(property.Value);
                problem = requestId is null ? $"must be the x-request-id of the predict answer: 1 to {MaxRequestIdLength} of A-Z a-z 0-9 . _ : -" : null;
            }
            else if (property.Name == "item")
            {
                problem = property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out item) && item >= 0 && item < maxBatch
                    ? null
                    : $"must be the item's index in the predict request, a whole number from 0 to {maxBatch - 1}";
            }
            else if (property.Name == "label")
            {
                actual = definition.ParseTruth(property.Value, out problem);
                problem ??= actual is null ? "is not a valid label for this model" : null;
                label = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            }
            else
            {
                problem = "is not a known field";
            }

            if (problem is not null)
            {
                errors.Add(index, property.Name, problem);
                valid = false;
            }
        }

        valid &= Required(requestId is not null || seen.Contains("requestId"), index, "requestId", errors);
        valid &= Required(seen.Contains("label"), index, "label", errors);
        if (valid)
        {
            records.Add(new FeedbackRecord(requestId!, item, time, actual!.Value, label!));
        }
    }

    private static bool Required(bool present, int index, string field, FieldErrors errors)
    {
        if (!present)
        {
            errors.Add(index, field, "is required");
        }

        return present;
    }

    private static string? RequestId(JsonElement value)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return text is { Length: > 0 and <= MaxRequestIdLength } && text.All(IsTokenCharacter) ? text : null;
    }

    private static bool IsTokenCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-';
}

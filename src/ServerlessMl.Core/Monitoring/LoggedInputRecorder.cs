using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessMl.Definitions;

namespace ServerlessMl.Monitoring;

/// <summary>
/// A bound request as the prediction log keeps it, per the model's <c>Log__Input</c>: as the API's
/// JSON (<see cref="LoggedInput.Text"/>), the same with each text field replaced by its hash
/// (<see cref="LoggedInput.Hash"/>), or nothing (<see cref="LoggedInput.None"/>).
/// </summary>
internal sealed class LoggedInputRecorder<TRequest>
    where TRequest : class
{
    public const string HashPrefix = "sha256-";

    private readonly LoggedInput _mode;
    private readonly JsonSerializerOptions _requestJson;
    private readonly string[] _textFields;

    public LoggedInputRecorder(LoggedInput mode, JsonSerializerOptions requestJson)
    {
        ArgumentNullException.ThrowIfNull(requestJson);
        _mode = mode;
        _requestJson = requestJson;
        // The JSON names, as the API spells them: a renamed property is hashed under its wire name.
        _textFields = [.. requestJson.GetTypeInfo(typeof(TRequest)).Properties.Where(p => p.PropertyType == typeof(string)).Select(p => p.Name)];
    }

    public JsonNode? Of(TRequest request)
    {
        if (_mode == LoggedInput.None)
        {
            return null;
        }

        var node = JsonSerializer.SerializeToNode(request, _requestJson);
        if (_mode == LoggedInput.Hash && node is JsonObject fields)
        {
            foreach (var name in _textFields)
            {
                if (fields[name] is JsonValue value && value.TryGetValue<string>(out var text))
                {
                    fields[name] = Hash(text);
                }
            }
        }

        return node;
    }

    /// <summary><c>sha256-</c> and the first 32 hex digits of the text's UTF-8 SHA-256: the form the models' truth keys use.</summary>
    public static string Hash(string text) =>
        HashPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 16);
}

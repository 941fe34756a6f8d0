using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ServerlessMl.Registry;

/// <summary>The one JSON shape for registry files and the API: camelCase, enums as strings, non-finite numbers as strings.</summary>
internal static class RegistryJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        // The registry's own files through generated code: a cold instance reads the alias and a
        // manifest before its first prediction, and reflection-built metadata for them is a slow
        // first read. Every other type (the API's bodies) still goes through reflection.
        options.TypeInfoResolver = JsonTypeInfoResolver.Combine(RegistryJsonContext.Default, new DefaultJsonTypeInfoResolver());
        options.MakeReadOnly();
        return options;
    }
}

[JsonSerializable(typeof(ModelManifest))]
[JsonSerializable(typeof(ChampionAlias))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;

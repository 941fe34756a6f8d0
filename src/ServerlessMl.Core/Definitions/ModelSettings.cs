using System.Globalization;
using Microsoft.Extensions.Options;

namespace ServerlessMl.Definitions;

/// <summary>
/// Settings of one model, under <c>Models__&lt;name&gt;__…</c> (a hyphen in the name may be written
/// as an underscore, for hosts that allow no hyphens in setting names). Each overrides the model's
/// own default or the global setting.
/// </summary>
internal sealed class ModelSettings
{
    public const string SectionName = "Models";

    public GateOverrides Gate { get; set; } = new();

    /// <summary>Overrides <c>Training__HoldoutDays</c> for a model that holds out its newest days.</summary>
    public int? HoldoutDays { get; set; }

    /// <summary>Overrides <c>Serving__MaxBatch</c>.</summary>
    public int? MaxBatch { get; set; }

    /// <summary>Overrides <c>Serving__MaxBodyBytes</c>.</summary>
    public int? MaxBodyBytes { get; set; }

    /// <summary>Overrides <c>Serving__MaxEnginesPerModel</c>.</summary>
    public int? MaxEnginesPerModel { get; set; }

    /// <summary>
    /// The longest text any string field of a request may hold, in characters (Unicode scalar
    /// values); can only tighten what the request type itself allows (e.g. <c>[StringLength]</c>),
    /// so a value above that, or for a type without a text field, fails validation. Unset: the type's own rules.
    /// </summary>
    public int? MaxTextLength { get; set; }

    public sealed class GateOverrides
    {
        public double? Floor { get; set; }

        public double? MaxRegression { get; set; }
    }
}

/// <summary>Every model's settings by the name it is registered under.</summary>
internal sealed class ModelSettingsMap : Dictionary<string, ModelSettings>
{
    public ModelSettingsMap()
        : base(StringComparer.OrdinalIgnoreCase)
    {
    }

    public ModelSettings For(string model) =>
        TryGetValue(model, out var settings) || TryGetValue(model.Replace('-', '_'), out settings) ? settings : new ModelSettings();

    /// <summary>The model's gate with any configured value in place of its default.</summary>
    public GateThresholds GateFor(IModelDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var gate = definition.DefaultGate;
        var settings = For(definition.Name).Gate;
        return new GateThresholds
        {
            FloorMetric = gate.FloorMetric,
            Floor = settings.Floor ?? gate.Floor,
            ComparisonMetric = gate.ComparisonMetric,
            MaxRegression = settings.MaxRegression ?? gate.MaxRegression,
        };
    }
}

/// <summary>Refuses settings for a model that is not registered and values out of range, naming the setting.</summary>
internal sealed class ModelSettingsValidator(ModelCatalog catalog) : IValidateOptions<ModelSettingsMap>
{
    public ValidateOptionsResult Validate(string? name, ModelSettingsMap options)
    {
        var failures = new List<string>();
        foreach (var (key, settings) in options)
        {
            var model = key.Replace('_', '-');
            var prefix = $"{ModelSettings.SectionName}__{key}";
            if (!catalog.TryGet(model, out var definition))
            {
                failures.Add($"Setting '{prefix}__…' is for model '{model}', which is not registered (registered: {string.Join(", ", catalog.Names)}).");
                continue;
            }

            if (settings.Gate.MaxRegression is < 0 or > 10)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"Setting '{prefix}__Gate__MaxRegression' is {settings.Gate.MaxRegression}: it must be from 0 to 10 (0.05 = 5 % worse than the champion)."));
            }

            if (settings.Gate.Floor is { } floor && !double.IsFinite(floor))
            {
                failures.Add($"Setting '{prefix}__Gate__Floor' must be a finite number.");
            }

            Range(failures, $"{prefix}__HoldoutDays", settings.HoldoutDays, 1, 365);
            Range(failures, $"{prefix}__MaxBatch", settings.MaxBatch, 1, 10_000);
            Range(failures, $"{prefix}__MaxBodyBytes", settings.MaxBodyBytes, 1_024, 104_857_600);
            Range(failures, $"{prefix}__MaxEnginesPerModel", settings.MaxEnginesPerModel, 1, 1_024);
            Range(failures, $"{prefix}__MaxTextLength", settings.MaxTextLength, 1, 1_000_000);
            TextLimit(failures, $"{prefix}__MaxTextLength", settings.MaxTextLength, definition.RequestType);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // The setting can only tighten the request type's own limit; a value it cannot tighten would be
    // ignored without a word.
    private static void TextLimit(List<string> failures, string setting, int? value, Type requestType)
    {
        if (value is not { } limit)
        {
            return;
        }

        var own = RequestText.TypeLimit(requestType);
        if (own is null)
        {
            failures.Add($"Setting '{setting}' cannot take effect: the model's request ({requestType.Name}) has no text field.");
        }
        else if (limit > own)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"Setting '{setting}' is {limit}: above the {own:N0} characters the model's request ({requestType.Name}) allows, it cannot take effect; it can only tighten that limit."));
        }
    }

    private static void Range(List<string> failures, string setting, int? value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"Setting '{setting}' is {value}: it must be from {min:N0} to {max:N0}."));
        }
    }
}

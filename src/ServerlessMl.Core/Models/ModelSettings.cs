using System.Globalization;
using Microsoft.Extensions.Options;

namespace ServerlessMl.Models;

/// <summary>
/// Settings of one model, under <c>Models__&lt;name&gt;__…</c> (a hyphen in the name may be written
/// as an underscore, for hosts that allow no hyphens in setting names). Each overrides the model's
/// own default or the global setting.
/// </summary>
public sealed class ModelSettings
{
    public const string SectionName = "Models";

    public GateSettings Gate { get; set; } = new();

    /// <summary>Overrides <c>Training__HoldoutDays</c> for a model that holds out its newest days.</summary>
    public int? HoldoutDays { get; set; }

    public sealed class GateSettings
    {
        public double? Floor { get; set; }

        public double? MaxRegression { get; set; }
    }
}

/// <summary>Every model's settings by the name it is registered under.</summary>
public sealed class ModelSettingsMap : Dictionary<string, ModelSettings>
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
            if (!catalog.TryGet(model, out _))
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

            if (settings.HoldoutDays is < 1 or > 365)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"Setting '{prefix}__HoldoutDays' is {settings.HoldoutDays}: it must be from 1 to 365."));
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

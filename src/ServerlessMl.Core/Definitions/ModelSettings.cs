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

    /// <summary>What of the model's served predictions is logged (<c>Models__&lt;name&gt;__Log__…</c>).</summary>
    public LogSettings Log { get; set; } = new();

    /// <summary>How the model is judged live (<c>Models__&lt;name&gt;__Live__…</c>).</summary>
    public LiveSettings Live { get; set; } = new();

    /// <summary>
    /// A version that shadows the champion: it scores every logged request too, off the request's
    /// path, and its answers are logged beside the champion's, never returned. A version number
    /// (e.g. <c>0004</c>) or <c>latest-rejected</c> (the newest version the gate turned down). Unset: none.
    /// </summary>
    public string? Challenger { get; set; }

    public sealed class LogSettings
    {
        /// <summary>Share of answered items logged, 0 (off) to 1 (every one); overrides <c>Monitoring__SampleRate</c>.</summary>
        public double? SampleRate { get; set; }

        /// <summary>What of a request's text fields is logged: Text, Hash (SHA-256) or None (no input at all).</summary>
        public LoggedInput? Input { get; set; }
    }

    public sealed class LiveSettings
    {
        /// <summary>Population stability index above which a numeric feature (or a text's length) has drifted.</summary>
        public double? DriftThreshold { get; set; }

        /// <summary>Share of a day's text tokens never seen in training above which a text feature has drifted.</summary>
        public double? UnseenTokenThreshold { get; set; }

        /// <summary>Consecutive days of drift or of live quality under the gate's floor before health says degraded.</summary>
        public int? DegradedAfterDays { get; set; }

        /// <summary>Fewest items with truth for a day's live metric to be held against the floor.</summary>
        public int? MinRows { get; set; }
    }

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

    /// <summary>Values that could not be read at all (text where a number belongs, a name no setting has), each naming its setting.</summary>
    public List<string> Unreadable { get; } = [];

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
        var failures = new List<string>(options.Unreadable);
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
            Live(failures, prefix, settings);
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

    private static void Live(List<string> failures, string prefix, ModelSettings settings)
    {
        Share(failures, $"{prefix}__Log__SampleRate", settings.Log.SampleRate, allowZero: true);
        Share(failures, $"{prefix}__Live__UnseenTokenThreshold", settings.Live.UnseenTokenThreshold, allowZero: false);
        if (settings.Live.DriftThreshold is { } psi && !(psi > 0 && psi <= 10))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"Setting '{prefix}__Live__DriftThreshold' is {psi}: it must be above 0 and at most 10 (0.25 is the usual line for a shifted feature)."));
        }

        if (settings.Log.Input is { } input && !Enum.IsDefined(input))
        {
            failures.Add($"Setting '{prefix}__Log__Input' must be Text, Hash or None.");
        }

        Range(failures, $"{prefix}__Live__DegradedAfterDays", settings.Live.DegradedAfterDays, 1, 365);
        Range(failures, $"{prefix}__Live__MinRows", settings.Live.MinRows, 1, 1_000_000);
        if (settings.Challenger is { } challenger && !ChallengerSetting.IsValid(challenger))
        {
            failures.Add($"Setting '{prefix}__Challenger' is '{challenger}': give a version number (e.g. 0004) or '{ChallengerSetting.LatestRejected}'.");
        }
    }

    /// <summary>A share from 0 (or just above it) to 1.</summary>
    private static void Share(List<string> failures, string setting, double? value, bool allowZero)
    {
        if (value is { } v && !(v <= 1 && (allowZero ? v >= 0 : v > 0)))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"Setting '{setting}' is {v}: it must be {(allowZero ? "from 0 to 1" : "above 0 and at most 1")}."));
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

/// <summary>What of a request's text fields the prediction log keeps.</summary>
internal enum LoggedInput
{
    /// <summary>The SHA-256 of each text field instead of the text: the same text can be recognised, not read back.</summary>
    Hash,

    /// <summary>The request as the caller sent it.</summary>
    Text,

    /// <summary>No input at all: only the features' numbers (a text's length) for drift.</summary>
    None,
}

/// <summary>The values <c>Models__&lt;name&gt;__Challenger</c> takes.</summary>
internal static class ChallengerSetting
{
    public const string LatestRejected = "latest-rejected";

    public static bool IsValid(string value) =>
        string.Equals(value, LatestRejected, StringComparison.OrdinalIgnoreCase)
        || (value.Length is >= 1 and <= 9 && value.All(char.IsAsciiDigit));
}

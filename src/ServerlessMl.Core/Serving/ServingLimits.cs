using ServerlessMl.Definitions;

namespace ServerlessMl.Serving;

/// <summary>One model's serving limits: its own settings (<c>Models__&lt;name&gt;__…</c>) where set, the <c>Serving__</c> ones otherwise.</summary>
internal sealed record ServingLimits(int MaxBatch, int MaxBodyBytes, int MaxEnginesPerModel, int? MaxTextLength)
{
    public static ServingLimits For(ModelSettingsMap settings, string model, ServingOptions serving)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(serving);
        var own = settings.For(model);
        return new(own.MaxBatch ?? serving.MaxBatch, own.MaxBodyBytes ?? serving.MaxBodyBytes, own.MaxEnginesPerModel ?? serving.MaxEnginesPerModel, own.MaxTextLength);
    }
}

namespace ServerlessMl.Serving;

/// <summary>One model's serving limits: its own settings (<c>Models__&lt;name&gt;__…</c>) where set, the <c>Serving__</c> ones otherwise.</summary>
internal sealed record ServingLimits(int MaxBatch, int MaxBodyBytes, int MaxEnginesPerModel, int? MaxTextLength);

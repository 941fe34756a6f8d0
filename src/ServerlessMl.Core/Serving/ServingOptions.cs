using System.ComponentModel.DataAnnotations;

namespace ServerlessMl.Serving;

internal sealed class ServingOptions
{
    public const string SectionName = "Serving";

    /// <summary>How often an instance re-checks the champion alias; one conditional request per check.</summary>
    [Range(1, 86_400)]
    public int ModelRefreshSeconds { get; set; } = 30;

    /// <summary>Most items in one batch prediction.</summary>
    [Range(1, 10_000)]
    public int MaxBatch { get; set; } = 100;

    /// <summary>Largest request body in bytes.</summary>
    [Range(1_024, 104_857_600)]
    public int MaxBodyBytes { get; set; } = 1_048_576;

    /// <summary>Prediction engines kept per model; more may be created under load and are then disposed.</summary>
    [Range(1, 1_024)]
    public int MaxEnginesPerModel { get; set; } = 2 * Environment.ProcessorCount;

    /// <summary>
    /// Start loading every model's champion when the host starts, in the background, instead of on
    /// the first request. Off by default: the model-on-demand pattern loads on first use.
    /// </summary>
    public bool PreloadOnStart { get; set; }

    /// <summary>Budget for a champion check and model load in the background, off any caller's time.</summary>
    [Range(1, 3_600)]
    public int LoadTimeoutSeconds { get; set; } = 120;

    /// <summary>Retry-After, in seconds, on a 503 while no model can be served.</summary>
    [Range(1, 3_600)]
    public int RetryAfterSeconds { get; set; } = 10;
}

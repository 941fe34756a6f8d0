namespace ServerlessMl.Serving;

/// <summary>No model can be served for this name right now (no champion yet, or storage unreachable and nothing cached).</summary>
internal sealed class ModelUnavailableException(string model, string reason)
    : Exception($"Model '{model}' is not available: {reason}")
{
    public string Model { get; } = model;

    public string Reason { get; } = reason;
}

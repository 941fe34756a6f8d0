using ServerlessMl.Models;
using ServerlessMl.Serving;

namespace ServerlessMl.Http;

/// <summary>One model's request limits: its own settings (<c>Models__&lt;name&gt;__…</c>) over the global ones.</summary>
internal sealed record RequestLimits(int MaxBatch, int MaxBodyBytes, int? MaxTextLength)
{
    public static Dictionary<string, RequestLimits> ForEach(ModelCatalog catalog, ServingOptions serving, ModelSettingsMap models) =>
        catalog.All.ToDictionary(
            d => d.Name,
            d =>
            {
                var own = models.For(d.Name);
                return new RequestLimits(own.MaxBatch ?? serving.MaxBatch, own.MaxBodyBytes ?? serving.MaxBodyBytes, own.MaxTextLength);
            },
            StringComparer.OrdinalIgnoreCase);
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.ML;
using ServerlessMl.Http;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Serving;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// POST /bench/by-hand/{model}/predict (<see cref="BenchServe"/> only): the cold-start baseline in
/// serve's own process shape. Every call does what a hand-written host would do on its
/// first request: read the champion alias, download model.zip, <c>Model.Load</c>, create one engine,
/// predict; no manifest, no hash check, no pool, nothing kept. benchmarks/cold.sh times a fresh
/// serve process to its first answer from here and from /api/models/{model}/predict.
/// </summary>
internal sealed class ByHandPredictEndpoint(ModelCatalog catalog, ModelRegistry registry, IOptions<ServingOptions> options)
{
    public async Task<IResult> HandleAsync(HttpRequest request, string model, CancellationToken cancellationToken)
    {
        if (!catalog.TryGet(model, out var definition))
        {
            return Problems.UnknownModel(model, catalog);
        }

        var bound = await RequestBinder.ReadAsync(request, definition.RequestType, options.Value.MaxBodyBytes, maxBatch: 1, maxTextLength: null, cancellationToken);
        if (bound.Problem is not null)
        {
            return bound.Problem;
        }

        var input = bound.Requests[0];
        var champion = await registry.GetChampionAsync(model, cancellationToken);
        if (champion is null)
        {
            return Problems.NotFound($"'{model}' has no champion.");
        }

        var version = champion.Value.Alias.Version;
        var zip = await registry.DownloadModelAsync(model, version, cancellationToken);
        var ml = new MLContext();
        ITransformer transformer;
        using (var stream = zip.ToStream())
        {
            transformer = ml.Model.Load(stream, out _);
        }

        var engine = definition.CreateEngine(ml, transformer);
        try
        {
            return Results.Ok(definition.Answer(version, definition.Predict(engine, input)));
        }
        finally
        {
            (engine as IDisposable)?.Dispose();
        }
    }
}

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
    public Task<IResult> HandleAsync(HttpRequest request, string model, CancellationToken cancellationToken) =>
        catalog.TryGet(model, out var definition)
            ? definition.Accept(new ByHand(registry, options.Value.MaxBodyBytes, request, cancellationToken))
            : Task.FromResult(Problems.UnknownModel(model, catalog));

    private sealed class ByHand(ModelRegistry registry, int maxBodyBytes, HttpRequest request, CancellationToken cancellationToken) : IServingVisitor<Task<IResult>>
    {
        public async Task<IResult> Visit<TRequest, TFeatures, TPrediction, TItem>(IServedModel<TRequest, TFeatures, TPrediction, TItem> model)
            where TRequest : class
            where TFeatures : class, new()
            where TPrediction : class, new()
        {
            var bound = await RequestBinder.ReadAsync<TRequest>(request, maxBodyBytes, maxBatch: 1, maxTextLength: null, cancellationToken);
            if (bound.Problem is not null)
            {
                return bound.Problem;
            }

            var champion = await registry.GetChampionAsync(model.Name, cancellationToken);
            if (champion is null)
            {
                return Problems.NotFound($"'{model.Name}' has no champion.");
            }

            var version = champion.Value.Alias.Version;
            var zip = await registry.DownloadModelAsync(model.Name, version, cancellationToken);
            var ml = new MLContext();
            ITransformer transformer;
            using (var stream = zip.ToStream())
            {
                transformer = ml.Model.Load(stream, out _);
            }

            using var engine = ml.Model.CreatePredictionEngine<TFeatures, TPrediction>(transformer);
            return Results.Ok(model.Answer(version, model.ToItem(engine.Predict(model.FromRequest(bound.Requests[0])))));
        }
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using ServerlessMl.Definitions;

namespace ServerlessMl.MinimalEndpoint;

/// <summary>
/// The minimal endpoint's whole request handling, shared by its route (Program.cs) and the
/// in-process benchmark of it (PredictEndpointBenchmarks): one Deserialize of the body into the
/// request type or an array of them, a pooled engine, the answer. No validation, no keys.
/// </summary>
internal sealed class MinimalPredictor
{
    private readonly DefaultObjectPool<object> _engines;
    private readonly Handler _handle;

    /// <param name="version">Shown in the answers as the model's version.</param>
    public MinimalPredictor(IModelDefinition definition, MLContext ml, ITransformer model, string version)
    {
        ArgumentNullException.ThrowIfNull(definition);
        // As Microsoft.Extensions.ML's PredictionEnginePool: engines kept in a DefaultObjectPool.
        _engines = new DefaultObjectPool<object>(new EnginePolicy(() => definition.CreateEngine(ml, model)), Environment.ProcessorCount * 2);
        _handle = definition.Accept(new Typed(version));
    }

    private delegate IResult Handler(ReadOnlySpan<byte> body, object engine);

    public IResult Predict(ReadOnlySpan<byte> body)
    {
        var engine = _engines.Get();
        try
        {
            return _handle(body, engine);
        }
        finally
        {
            _engines.Return(engine);
        }
    }

    private sealed class Typed(string version) : IServingVisitor<Handler>
    {
        public Handler Visit<TRequest, TFeatures, TPrediction, TItem>(IServedModel<TRequest, TFeatures, TPrediction, TItem> model)
            where TRequest : class
            where TFeatures : class, new()
            where TPrediction : class, new() =>
            (body, pooled) =>
            {
                var engine = (PredictionEngine<TFeatures, TPrediction>)pooled;
                if (body.TrimStart(" \t\r\n"u8) is not [(byte)'[', ..])
                {
                    var input = JsonSerializer.Deserialize<TRequest>(body, JsonSerializerOptions.Web)!;
                    return Results.Ok(model.Answer(version, model.ToItem(engine.Predict(model.FromRequest(input)))));
                }

                var inputs = JsonSerializer.Deserialize<TRequest[]>(body, JsonSerializerOptions.Web)!;
                var items = new TItem[inputs.Length];
                for (var i = 0; i < items.Length; i++)
                {
                    items[i] = model.ToItem(engine.Predict(model.FromRequest(inputs[i])));
                }

                return Results.Ok(model.Answer(version, items));
            };
    }

    private sealed class EnginePolicy(Func<object> create) : IPooledObjectPolicy<object>
    {
        public object Create() => create();

        public bool Return(object obj) => true;
    }
}

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
public sealed class MinimalPredictor
{
    private readonly IModelDefinition _definition;
    private readonly DefaultObjectPool<object> _engines;
    private readonly string _version;

    /// <param name="version">Shown in the answers as the model's version.</param>
    public MinimalPredictor(IModelDefinition definition, MLContext ml, ITransformer model, string version)
    {
        _definition = definition;
        _version = version;
        // As Microsoft.Extensions.ML's PredictionEnginePool: engines kept in a DefaultObjectPool.
        _engines = new DefaultObjectPool<object>(new EnginePolicy(() => definition.CreateEngine(ml, model)), Environment.ProcessorCount * 2);
    }

    public IResult Predict(ReadOnlySpan<byte> body)
    {
        var engine = _engines.Get();
        try
        {
            if (body.TrimStart(" \t\r\n"u8) is not [(byte)'[', ..])
            {
                var input = JsonSerializer.Deserialize(body, _definition.RequestType, JsonSerializerOptions.Web)!;
                return Results.Ok(_definition.Answer(_version, _definition.Predict(engine, input)));
            }

            var inputs = (Array)JsonSerializer.Deserialize(body, _definition.RequestType.MakeArrayType(), JsonSerializerOptions.Web)!;
            var predictions = new object[inputs.Length];
            for (var i = 0; i < predictions.Length; i++)
            {
                predictions[i] = _definition.Predict(engine, inputs.GetValue(i)!);
            }

            return Results.Ok(_definition.Answer(_version, predictions));
        }
        finally
        {
            _engines.Return(engine);
        }
    }

    private sealed class EnginePolicy(Func<object> create) : IPooledObjectPolicy<object>
    {
        public object Create() => create();

        public bool Return(object obj) => true;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.ObjectPool;
using Microsoft.ML;
using ServerlessMl.Models;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Models.SmsSpam;

// The app a user might write instead of ServerlessMl, as the benchmarks' baseline: one POST route,
// the model read once from a local model.zip, a plain pool of prediction engines, the body
// deserialized straight into the request type (or an array of them) in one pass, and nothing else:
// no keys, no validation, no problem details, no storage, no versions, no telemetry.
//
//   dotnet ServerlessMl.MinimalEndpoint.dll MODEL_NAME MODEL_ZIP PORT
//
// POST http://127.0.0.1:PORT/predict answers like serve's predict route. Same host settings as
// serve: slim builder, request delegate generator, workstation GC. SERVERLESSML_STARTUP_TIMELINE=1
// writes serve's phase lines (startup-timeline MS PHASE) for benchmarks/cold.sh.
var timeline = Environment.GetEnvironmentVariable("SERVERLESSML_STARTUP_TIMELINE") == "1";
var processStart = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
void Mark(string phase)
{
    if (timeline)
    {
        Console.Error.WriteLine(FormattableString.Invariant($"startup-timeline {(DateTime.UtcNow - processStart).TotalMilliseconds:F0} {phase}"));
    }
}

Mark("main");
if (args.Length != 3 || !int.TryParse(args[2], out var port))
{
    Console.Error.WriteLine("usage: ServerlessMl.MinimalEndpoint MODEL_NAME MODEL_ZIP PORT");
    return 2;
}

IModelDefinition definition = args[0] switch
{
    BikeDemandModel.ModelName => new BikeDemandModel(),
    SmsSpamModel.ModelName => new SmsSpamModel(),
    _ => throw new ArgumentException($"unknown model '{args[0]}'"),
};

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders();
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
var app = builder.Build();
Mark("host built");

var ml = new MLContext();
var model = ml.Model.Load(args[1], out _);
Mark("model loaded");
// As Microsoft.Extensions.ML's PredictionEnginePool: engines kept in a DefaultObjectPool.
var engines = new DefaultObjectPool<object>(new EnginePolicy(() => definition.CreateEngine(ml, model)), Environment.ProcessorCount * 2);
var web = JsonSerializerOptions.Web;
var version = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(args[1]))) ?? "local";

var first = true;
app.MapPost("/predict", async (HttpRequest request) =>
{
    if (first)
    {
        first = false;
        Mark("first request");
    }

    var body = await request.BodyReader.ReadAtLeastAsync(int.MaxValue);
    try
    {
        var bytes = body.Buffer.IsSingleSegment ? body.Buffer.FirstSpan : body.Buffer.ToArray();
        var batch = bytes.TrimStart(" \t\r\n"u8) is [(byte)'[', ..];
        var engine = engines.Get();
        try
        {
            if (!batch)
            {
                var input = JsonSerializer.Deserialize(bytes, definition.RequestType, web)!;
                return Results.Ok(definition.Answer(version, definition.Predict(engine, input)));
            }

            var inputs = (Array)JsonSerializer.Deserialize(bytes, definition.RequestType.MakeArrayType(), web)!;
            var predictions = new object[inputs.Length];
            for (var i = 0; i < predictions.Length; i++)
            {
                predictions[i] = definition.Predict(engine, inputs.GetValue(i)!);
            }

            return Results.Ok(definition.Answer(version, predictions));
        }
        finally
        {
            engines.Return(engine);
        }
    }
    finally
    {
        request.BodyReader.AdvanceTo(body.Buffer.End);
    }
});

await app.StartAsync();
Mark("listening");
await app.WaitForShutdownAsync();
return 0;

internal sealed class EnginePolicy(Func<object> create) : IPooledObjectPolicy<object>
{
    public object Create() => create();

    public bool Return(object obj) => true;
}

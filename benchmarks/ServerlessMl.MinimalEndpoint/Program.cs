using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.ML;
using ServerlessMl.Definitions;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Models.SmsSpam;
using ServerlessMl.MinimalEndpoint;

// The app a user might write instead of ServerlessMl, as the benchmarks' baseline: one POST route,
// the model read once from a local model.zip, a plain pool of prediction engines, the body
// deserialized straight into the request type (or an array of them) in one pass, and nothing else:
// no validation, no problem details, no storage, no versions, no telemetry. Given a key, it
// checks it on every request as a deployed app would (header x-functions-key or query code; 401
// otherwise).
//
//   dotnet ServerlessMl.MinimalEndpoint.dll MODEL_NAME MODEL_ZIP PORT [API_KEY]
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
if (args.Length is not (3 or 4) || !int.TryParse(args[2], out var port))
{
    Console.Error.WriteLine("usage: ServerlessMl.MinimalEndpoint MODEL_NAME MODEL_ZIP PORT [API_KEY]");
    return 2;
}

IModelDefinition definition = args[0] switch
{
    BikeDemandModel.ModelName => new BikeDemandModel(),
    SmsSpamModel.ModelName => new SmsSpamModel(),
    _ => throw new ArgumentException($"unknown model '{args[0]}'"),
};

var builder = MinimalApp.CreateBuilder();
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
var app = builder.Build();
Mark("host built");

var ml = new MLContext();
var model = ml.Model.Load(args[1], out _);
Mark("model loaded");
var predictor = new MinimalPredictor(definition, ml, model, Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(args[1]))) ?? "local");

var firstRequest = 1;
MinimalApp.MapPredict(app, predictor, args.Length == 4 ? args[3] : null, () =>
{
    if (Interlocked.Exchange(ref firstRequest, 0) == 1)
    {
        Mark("first request");
    }
});

await app.StartAsync();
Mark("listening");
await app.WaitForShutdownAsync();
return 0;

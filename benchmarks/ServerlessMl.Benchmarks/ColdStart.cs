using ServerlessMl.Definitions;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.ML;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Registry;
using ServerlessMl.Serving;
using ServerlessMl.Storage;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// Processes for the cold-start benchmark (benchmarks/cold.sh), each timed from launch to its one
/// line of output, in the same process shape as <c>serverless-ml serve</c> (a framework-dependent
/// <c>dotnet app.dll</c>, started cold):
/// <list type="bullet">
/// <item><c>cold-baseline</c>: the least a process can do to predict with the champion: read the
/// champion alias, download its model.zip, <c>Model.Load</c>, <c>CreatePredictionEngine</c>,
/// predict once.</item>
/// <item><c>cold-pool</c>: the same through the app's own service graph and <see cref="ModelPool"/>
/// (options validation, manifest, sha256 check, a warmed engine), without the web host; it
/// splits what serve adds into "pool" and "web host".</item>
/// </list>
/// Storage comes from the <c>ModelStorage</c> environment variable, as for the CLI.
/// </summary>
internal static class ColdStart
{
    private static readonly IServedModel<BikeDemandRequest, BikeFeatures, RegressionScore, double> Bike = new BikeDemandModel();

    private const string Model = BikeDemandModel.ModelName;

    public static async Task<int> BaselineAsync()
    {
        var registry = Registry();
        var champion = await registry.GetChampionAsync(Model, CancellationToken.None)
            ?? throw new InvalidOperationException($"{Model} has no champion in this storage.");
        var zip = await registry.DownloadModelAsync(Model, champion.Alias.Version, CancellationToken.None);

        var ml = new MLContext();
        ITransformer model;
        using (var stream = zip.ToStream())
        {
            model = ml.Model.Load(stream, out _);
        }

        using var engine = ml.Model.CreatePredictionEngine<BikeFeatures, RegressionScore>(model);
        Print(champion.Alias.Version, Bike.ToItem(engine.Predict(BenchEnvironment.SampleFeatures())));
        return 0;
    }

    /// <summary>
    /// <c>champion-zip MODEL DIR</c>: writes the champion's model.zip to DIR/VERSION/model.zip and prints
    /// that path: the local file the minimal endpoint (the benchmarks' baseline app) serves from.
    /// </summary>
    public static async Task<int> ChampionZipAsync(string model, string directory)
    {
        var registry = Registry();
        var champion = await registry.GetChampionAsync(model, CancellationToken.None)
            ?? throw new InvalidOperationException($"{model} has no champion in this storage.");
        var path = Path.Combine(directory, champion.Alias.Version, "model.zip");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, (await registry.DownloadModelAsync(model, champion.Alias.Version, CancellationToken.None)).ToArray());
        Console.Out.WriteLine(path);
        return 0;
    }

    public static async Task<int> PoolAsync()
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddServerlessMl(configuration)
            .AddModel<ServerlessMl.Models.BikeDemand.BikeDemandModel>()
            .Services;
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var pool = provider.GetRequiredService<ModelPool>();
        using var lease = await pool.RentAsync(Model, CancellationToken.None);
        var engine = (PredictionEngine<BikeFeatures, RegressionScore>)lease.Engine;
        Print(lease.Generation.Version, Bike.ToItem(engine.Predict(Bike.FromRequest(BenchEnvironment.SampleRequest()))));
        return 0;
    }

    private static ModelRegistry Registry()
    {
        var storage = new StorageOptions { ConnectionString = ConnectionString() };
        return new ModelRegistry(BlobServiceClientFactory.Create(storage), storage, Options.Create(new RegistryOptions()), NullLogger<ModelRegistry>.Instance);
    }

    private static string ConnectionString() =>
        Environment.GetEnvironmentVariable("ModelStorage") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("Set ModelStorage to the storage connection string (e.g. source the azurite.env of scripts/azurite.sh).");

    private static void Print(string version, double prediction)
    {
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{{\"version\":\"{version}\",\"prediction\":{Math.Round(prediction, 2)}}}"));
        Console.Out.Flush();
    }
}

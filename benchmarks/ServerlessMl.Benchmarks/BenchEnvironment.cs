using ServerlessMl.Definitions;
using Microsoft.ML;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Registry;
using ServerlessMl.Serving;
using ServerlessMl.Testing;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// What every in-process serving benchmark starts from: a real Azurite, synthetic daily files, a
/// champion trained by the retrain job and published to the blob registry, the app's own
/// <see cref="ModelPool"/> (warmed: the champion loaded, one engine built), and the champion's
/// model.zip bytes so baselines can load the very same model by hand.
/// </summary>
public sealed class BenchEnvironment : IAsyncDisposable
{
    public const string Model = BikeDemandModel.ModelName;

    /// <summary>Days of synthetic data: as in scripts/demo.sh. Prediction cost depends on the trees, not on this.</summary>
    public const int Days = 120;

    private readonly AzuriteFixture _azurite;
    private readonly SampleData _data;
    private readonly TestApp _app;

    private BenchEnvironment(AzuriteFixture azurite, SampleData data, TestApp app, ModelPool pool, BinaryData modelZip)
    {
        _azurite = azurite;
        _data = data;
        _app = app;
        Pool = pool;
        ModelZip = modelZip;
    }

    internal ModelPool Pool { get; }

    /// <summary>The Azurite holding the champion, for apps the benchmarks host themselves.</summary>
    public string ConnectionString => _azurite.ConnectionString;

    /// <summary>The blob containers this environment's registry and data drops use (each run has its own).</summary>
    public (string Training, string Models) Containers => (_app.TrainingContainer, _app.ModelsContainer);

    public BinaryData ModelZip { get; }

    /// <summary>The context of <see cref="HandLoadedModel"/> and the engines made from it.</summary>
    public MLContext Context { get; } = new();

    /// <summary>The champion loaded by hand from <see cref="ModelZip"/>, once: what baselines predict with.</summary>
    public ITransformer HandLoadedModel => _handLoaded ??= LoadModel(Context);

    private ITransformer? _handLoaded;
    private readonly List<IDisposable> _engines = [];

    /// <summary>An engine over <see cref="HandLoadedModel"/>, as a caller without a pool holds one; disposed with this environment.</summary>
    public PredictionEngine<BikeFeatures, RegressionScore> CreateEngine()
    {
        var engine = Context.Model.CreatePredictionEngine<BikeFeatures, RegressionScore>(HandLoadedModel);
        _engines.Add(engine);
        return engine;
    }

    /// <summary>A typical request (a spring working-day morning), featurized as serving does.</summary>
    public static BikeFeatures SampleFeatures() => new BikeDemandModel().FromRequest(SampleRequest());

    /// <summary>The request behind <see cref="SampleFeatures"/>.</summary>
    public static BikeDemandRequest SampleRequest() => new()
    {
        Timestamp = new DateTimeOffset(2011, 5, 2, 8, 0, 0, TimeSpan.Zero),
        Weather = 1,
        TemperatureC = 18,
        FeelsLikeC = 18,
        Humidity = 55,
        WindSpeedKmh = 12,
    };

    /// <summary>
    /// 100 different requests (as in the HTTP benchmark's batch: hours 0-23 over five May days, three
    /// weathers, a spread of temperatures, humidity and wind), featurized.
    /// </summary>
    public static BikeFeatures[] VariedFeatures()
    {
        var model = new BikeDemandModel();
        return [.. VariedRequests().Select(model.FromRequest)];
    }

    public static IEnumerable<BikeDemandRequest> VariedRequests() =>
        Enumerable.Range(0, 100).Select(i => new BikeDemandRequest
        {
            Timestamp = new DateTimeOffset(2011, 5, 2 + (i / 24), i % 24, 0, 0, TimeSpan.Zero),
            Weather = 1 + (i % 3),
            TemperatureC = 5 + (i % 25),
            FeelsLikeC = 4 + (i % 27),
            Humidity = 30 + (i % 60),
            WindSpeedKmh = i % 30,
        });

    public static async Task<BenchEnvironment> StartAsync()
    {
        var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        var data = new SampleData(Days);
        TestApp? app = null;
        try
        {
            // Serving options as shipped (refresh every 30 s, 2 x cores engines), nothing tuned for the benchmark.
            app = TestApp.Create(azurite);
            await ChampionSetup.TrainVersionsAsync(app, data, 1);
            var registry = app.Get<ModelRegistry>();
            var version = (await registry.GetChampionAsync(Model, CancellationToken.None))!.Value.Alias.Version;
            var zip = await registry.DownloadModelAsync(Model, version, CancellationToken.None);
            var manifest = await registry.GetManifestAsync(Model, version, CancellationToken.None);

            // Into the benchmark log: which model was measured (the model definition may change between runs).
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"// ServerlessMl champion {version}: {manifest?.Trainer.Name} ({string.Join(", ", manifest?.Trainer.Parameters.Select(p => $"{p.Key}={p.Value}") ?? [])}), model.zip {zip.ToMemory().Length} bytes"));
            var pool = app.Get<ModelPool>();

            // Warm the pool: the first call loads the champion (download, sha256, Model.Load, one engine).
            pool.Predict<BikeFeatures, RegressionScore>(Model, SampleFeatures());
            if (pool.GetLoadedModel(Model).Version != version)
            {
                throw new InvalidOperationException($"The pool serves {pool.GetLoadedModel(Model).Version}, not the champion {version}.");
            }

            return new BenchEnvironment(azurite, data, app, pool, zip);
        }
        catch
        {
            app?.Dispose();
            data.Dispose();
            await azurite.DisposeAsync();
            throw;
        }
    }

    /// <summary>Loads the champion's model.zip by hand, as a caller without the pool would.</summary>
    public ITransformer LoadModel(MLContext ml)
    {
        ArgumentNullException.ThrowIfNull(ml);
        using var stream = ModelZip.ToStream();
        return ml.Model.Load(stream, out _);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var engine in _engines)
        {
            engine.Dispose();
        }

        (_handLoaded as IDisposable)?.Dispose();
        _app.Dispose();
        _data.Dispose();
        await _azurite.DisposeAsync();
    }
}

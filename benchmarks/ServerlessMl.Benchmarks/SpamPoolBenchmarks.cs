using ServerlessMl.Definitions;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.ML;
using ServerlessMl.Models.SmsSpam;
using ServerlessMl.Registry;
using ServerlessMl.Serving;
using ServerlessMl.Testing;
using ServerlessMl.Training;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// The spam model through the same pool: the champion trained by the retrain job from
/// ../shared's SMS Spam Collection (one drop) on Azurite. Single thread: <c>pool.Predict</c> against
/// one reused engine; two threads: the pool against an engine per thread. 100 messages of the
/// collection in turn, so the featurizer sees varied text.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[SimpleJob(launchCount: 2, warmupCount: 5, iterationCount: 15)]
public class SpamPoolBenchmarks
{
    private const string Model = SmsSpamModel.ModelName;
    private const int Predictions = 200;

    private AzuriteFixture _azurite = null!;
    private TestApp _app = null!;
    private ModelPool _pool = null!;
    private readonly MLContext _ml = new();
    private ITransformer _handLoaded = null!;
    private PredictionEngine<SmsFeatures, BinaryScore> _engineA = null!;
    private PredictionEngine<SmsFeatures, BinaryScore> _engineB = null!;
    private SmsFeatures[] _messages = [];
    private string _scratch = string.Empty;
    private Action _ownA = null!, _ownB = null!, _poolA = null!, _poolB = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        if (!File.Exists(RepoPaths.SmsSpamTrain))
        {
            throw new InvalidOperationException($"The SMS Spam Collection is not at {RepoPaths.SmsSpamTrain} (it lives in ../shared).");
        }

        _azurite = new AzuriteFixture();
        await _azurite.InitializeAsync();
        _app = TestApp.Create(_azurite, models: m => m.AddModel<SmsSpamModel>());
        _scratch = Directory.CreateTempSubdirectory("serverless-ml-bench-").FullName;
        var definition = new SmsSpamModel();
        await _app.Get<TrainingDataUploader>().UploadAsync(Model, LocalDataFiles.Open(RepoPaths.SmsSpamTrain, _scratch, definition.Format, new DateOnly(2026, 1, 1)), false, null, default);
        var outcome = await _app.Get<RetrainJob>().RunAsync(Model, "benchmark", default);
        if (outcome.Status != RetrainStatus.Promoted)
        {
            throw new InvalidOperationException($"Expected a promotion, got {outcome.Status}: {string.Join("; ", outcome.Reasons)}");
        }

        var zip = await _app.Get<ModelRegistry>().DownloadModelAsync(Model, outcome.Version!, default);
        using (var stream = zip.ToStream())
        {
            _handLoaded = _ml.Model.Load(stream, out _);
        }

        Console.WriteLine($"// ServerlessMl spam champion {outcome.Version}: model.zip {zip.ToMemory().Length} bytes");
        _engineA = _ml.Model.CreatePredictionEngine<SmsFeatures, BinaryScore>(_handLoaded);
        _engineB = _ml.Model.CreatePredictionEngine<SmsFeatures, BinaryScore>(_handLoaded);
        _messages = [.. File.ReadLines(RepoPaths.SmsSpamTrain).Take(Predictions).Select(line => definition.FromRequest(new SmsSpamRequest { Text = line[(line.IndexOf('\t', StringComparison.Ordinal) + 1)..] }))];
        _pool = _app.Get<ModelPool>();

        var floor = _engineA.Predict(_messages[0]).Probability;
        var pooled = _pool.Predict<SmsFeatures, BinaryScore>(Model, _messages[0]).Probability;
        if (floor != pooled)
        {
            throw new InvalidOperationException($"The pool predicts {pooled}, the hand-loaded champion {floor}: not the same model.");
        }

        _ownA = () => Own(_engineA, 0);
        _ownB = () => Own(_engineB, 1);
        _poolA = () => Pooled(0);
        _poolB = () => Pooled(1);
        Parallel.Invoke(_poolA, _poolB);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _engineA.Dispose();
        _engineB.Dispose();
        _app.Dispose();
        Directory.Delete(_scratch, recursive: true);
        await _azurite.DisposeAsync();
    }

    [BenchmarkCategory("one thread"), Benchmark(Baseline = true, OperationsPerInvoke = Predictions, Description = "reused engine (floor)")]
    public float ReusedEngine()
    {
        var sum = 0f;
        foreach (var message in _messages)
        {
            sum += _engineA.Predict(message).Probability;
        }

        return sum;
    }

    [BenchmarkCategory("one thread"), Benchmark(OperationsPerInvoke = Predictions, Description = "pool.Predict")]
    public float PoolPredict()
    {
        var sum = 0f;
        foreach (var message in _messages)
        {
            sum += _pool.Predict<SmsFeatures, BinaryScore>(Model, message).Probability;
        }

        return sum;
    }

    [BenchmarkCategory("two threads"), Benchmark(Baseline = true, OperationsPerInvoke = Predictions, Description = "2 threads, own engine each (floor)")]
    public void OwnEngines() => Parallel.Invoke(_ownA, _ownB);

    [BenchmarkCategory("two threads"), Benchmark(OperationsPerInvoke = Predictions, Description = "2 threads, pool.Predict")]
    public void PoolTwoThreads() => Parallel.Invoke(_poolA, _poolB);

    // Each thread takes every other message, so both threads do the same work in every benchmark.
    private void Own(PredictionEngine<SmsFeatures, BinaryScore> engine, int first)
    {
        for (var i = first; i < _messages.Length; i += 2)
        {
            engine.Predict(_messages[i]);
        }
    }

    private void Pooled(int first)
    {
        for (var i = first; i < _messages.Length; i += 2)
        {
            _pool.Predict<SmsFeatures, BinaryScore>(Model, _messages[i]);
        }
    }
}

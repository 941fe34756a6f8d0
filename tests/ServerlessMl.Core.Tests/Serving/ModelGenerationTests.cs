using Microsoft.ML;
using Microsoft.ML.Data;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;
using ServerlessMl.Serving;
using ServerlessMl.Testing;

namespace ServerlessMl.Core.Tests.Serving;

/// <summary>
/// The engine pool of one generation under threads that rent and return while generations are
/// swapped and retired, with engines and models that fail loudly when used or disposed wrongly
/// (ML.NET's own engines keep working after Dispose, so they could not tell).
/// </summary>
public sealed class ModelGenerationTests
{
    [Fact]
    public void Renters_on_three_threads_through_300_swaps_never_use_a_disposed_engine_and_everything_is_disposed_once()
    {
        var counters = new PoolCounters();
        var models = new List<FakeModel>();
        var engines = new System.Collections.Concurrent.ConcurrentBag<FakeEngine>();
        ModelGeneration NewGeneration()
        {
            var model = new FakeModel();
            models.Add(model);
            return new ModelGeneration(Manifest, model, m => Track(new FakeEngine((FakeModel)m)), maxIdle: 2, counters, DateTimeOffset.UtcNow);
        }

        FakeEngine Track(FakeEngine engine)
        {
            engines.Add(engine);
            return engine;
        }

        var current = NewGeneration();
        var stop = 0;
        var uses = 0L;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, 3).Select(_ => new Thread(() =>
        {
            try
            {
                while (Volatile.Read(ref stop) == 0)
                {
                    var generation = Volatile.Read(ref current);
                    if (generation.TryRent() is not FakeEngine engine)
                    {
                        continue; // retired between the read and the rental: take its successor
                    }

                    engine.Use();
                    Interlocked.Increment(ref uses);
                    generation.Return(engine);
                }
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex);
            }
        })).ToList();
        threads.ForEach(t => t.Start());

        for (var i = 0; i < 300; i++)
        {
            var before = Interlocked.Read(ref uses);
            Interlocked.Exchange(ref current, NewGeneration()).Retire();

            // Rentals between every two swaps, however the machine schedules the threads.
            if (!SpinWait.SpinUntil(() => Interlocked.Read(ref uses) > before || !failures.IsEmpty, Eventually.Deadline))
            {
                Assert.Fail($"no rental ran after swap {i + 1}");
            }
        }

        Volatile.Write(ref stop, 1);
        threads.ForEach(t => t.Join());
        current.Retire();

        Assert.Empty(failures);
        Assert.All(models, m => Assert.Equal(1, m.Disposals));
        Assert.All(engines, e => Assert.Equal(1, e.Disposals));
        Assert.Equal(counters.GenerationsCreated, counters.GenerationsDisposed);
        Assert.Equal(counters.EnginesCreated, counters.EnginesDisposed);
        Assert.Equal(engines.Count, counters.EnginesCreated);
    }

    [Fact]
    public void An_engine_that_cannot_be_created_does_not_keep_a_retired_generation_alive()
    {
        var counters = new PoolCounters();
        var model = new FakeModel();
        var generation = new ModelGeneration(Manifest, model, _ => throw new InvalidOperationException("no engine"), maxIdle: 2, counters, DateTimeOffset.UtcNow);

        Assert.Throws<InvalidOperationException>(() => generation.TryRent());
        generation.Retire();

        Assert.Equal(1, model.Disposals);
        Assert.Equal(0, counters.EnginesCreated);
    }

    private static readonly ModelManifest Manifest = new()
    {
        Model = "fake",
        Version = "0001",
        CreatedUtc = DateTimeOffset.UnixEpoch,
        Trainer = new TrainerDescription("fake", new Dictionary<string, string>()),
        Metrics = ServerlessMl.Definitions.RegressionMetrics.Of(1, 0, 0, 1),
        ValidationWindow = new DayRange(new DateOnly(2011, 1, 1), new DateOnly(2011, 1, 1), 1),
        Gate = new GateDecision(true, []),
        RefitOnAllData = false,
        Data = new DataSnapshot([], 0, "", new DateOnly(2011, 1, 1), new DateOnly(2011, 1, 1)),
        InputSchemaHash = "fake",
        MlNetVersion = "fake",
        AppVersion = "fake",
        ModelFile = new ModelFile("fake", 0),
    };

    /// <summary>A model that counts its disposals; nothing else of it is used by the generation.</summary>
    private sealed class FakeModel : ITransformer, IDisposable
    {
        private int _disposals;

        public int Disposals => Volatile.Read(ref _disposals);

        public bool IsRowToRowMapper => false;

        public void Dispose() => Interlocked.Increment(ref _disposals);

        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => throw new NotSupportedException();

        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => throw new NotSupportedException();

        public void Save(ModelSaveContext ctx) => throw new NotSupportedException();

        public IDataView Transform(IDataView input) => throw new NotSupportedException();
    }

    /// <summary>An engine that throws when used after its own or its model's disposal.</summary>
    private sealed class FakeEngine(FakeModel model) : IDisposable
    {
        private int _disposals;

        public int Disposals => Volatile.Read(ref _disposals);

        public void Use()
        {
            ObjectDisposedException.ThrowIf(Disposals != 0, this);
            ObjectDisposedException.ThrowIf(model.Disposals != 0, model);
        }

        public void Dispose() => Interlocked.Increment(ref _disposals);
    }
}

using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using ServerlessMl.Definitions;
using ServerlessMl.Models.SmsSpam;
using ServerlessMl.Testing;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// <c>spam-experiments [splits] [recipe ...]</c>: each spam recipe (or the named ones, always with
/// ml-net-default beside them) on the same seeded, stratified 80/20 splits of ../shared's
/// SMSSpamCollection.train (default 5 splits), scored on the 20 % by the model's own metrics;
/// prints mean ± spread per recipe. The recipes are compared on many splits, not tuned to one
/// (docs/benchmarks.md, "SMS spam").
/// <para>
/// Cost is measured side by side in the same process, on the first split's models: one thread, one
/// reused engine per recipe, every message of the test split per pass, in interleaved rounds whose
/// recipe order alternates, so drift in the machine's load falls on every recipe alike. The ratio
/// to ml-net-default is taken within each round, then the median over rounds. The featurizer (the
/// steps before the trainer) is timed on its own the same way, to show where the time goes.
/// </para>
/// </summary>
internal static class SpamExperiments
{
    private const int Rounds = 21;
    private const int Loads = 5;
    private static readonly string[] Shown = [MetricNames.Auc, MetricNames.Mcc, MetricNames.Accuracy, MetricNames.F1, MetricNames.Precision, MetricNames.Recall, MetricNames.LogLoss];

    public static int Run(IReadOnlyList<string> args)
    {
        var splits = args.Count > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        var named = args.Skip(1).ToHashSet(StringComparer.Ordinal);
        var recipes = SmsSpamRecipe.All.Where(r => named.Count == 0 || named.Contains(r.Name) || r == SmsSpamRecipe.MlNetDefault).ToList();
        if (named.Except(recipes.Select(r => r.Name)).FirstOrDefault() is { } unknown)
        {
            Console.Error.WriteLine($"No spam recipe is named '{unknown}'; the recipes are {string.Join(", ", SmsSpamRecipe.All.Select(r => r.Name))}.");
            return 2;
        }

        if (!File.Exists(RepoPaths.SmsSpamTrain))
        {
            Console.Error.WriteLine($"The SMS Spam Collection is not at {RepoPaths.SmsSpamTrain} (it lives in ../shared).");
            return 2;
        }

        var ml = new MLContext(seed: 1);
        var all = ml.Data.CreateEnumerable<SmsFeatures>(((IModelDefinition)new SmsSpamModel()).LoadFeatures(ml, [RepoPaths.SmsSpamTrain]), reuseRowObject: false).ToList();
        Console.Error.WriteLine($"{all.Count} messages, {all.Count(m => m.Label)} spam; {splits} stratified 80/20 splits (seeds 1..{splits})");

        var timedTest = StratifiedSplit.Of(all, m => m.Label, 1).Test;
        var rows = new List<Row>();
        foreach (var recipe in recipes)
        {
            var model = new SmsSpamModel(recipe);
            var results = new List<QualityMetrics>();
            ITransformer? first = null;
            for (var seed = 1; seed <= splits; seed++)
            {
                var (train, test) = StratifiedSplit.Of(all, m => m.Label, seed);
                var trained = ((IModelDefinition)model).CreatePipeline(ml).Fit(ml.Data.LoadFromEnumerable(train));
                results.Add(((IModelDefinition)model).Evaluate(ml, trained, ml.Data.LoadFromEnumerable(test)));
                first ??= trained;
            }

            Console.Error.WriteLine($"{recipe.Name}: trained");
            rows.Add(new Row(recipe, results, Timed.Of(ml, model, first!, timedTest)));
        }

        TimeSideBySide(rows);
        var reference = rows.Single(r => r.Recipe == SmsSpamRecipe.MlNetDefault);
        Console.WriteLine($"| recipe | {string.Join(" | ", Shown)} | µs/prediction | featurizer µs | predictions/s ÷ ml-net-default's (rounds' range) | model.zip KB | load ms |");
        Console.WriteLine($"|---|{string.Concat(Enumerable.Repeat("---|", Shown.Length + 5))}");
        foreach (var row in rows)
        {
            var cells = Shown.Select(m =>
            {
                var values = row.Results.Select(r => r[m]).ToArray();
                var mean = values.Average();
                var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Length - 1));
                return string.Create(CultureInfo.InvariantCulture, $"{mean:F4} ± {sd:F4}");
            });
            var ratios = row.Timed.Micros.Zip(reference.Timed.Micros, (mine, theirs) => theirs / mine).ToList();
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {row.Recipe.Name} | {string.Join(" | ", cells)} | {Median(row.Timed.Micros):F1} | {Median(row.Timed.FeaturizerMicros):F1} | {Median(ratios):F2} ({ratios.Min():F2}–{ratios.Max():F2}) | {row.Timed.ZipBytes / 1024.0:F0} | {row.Timed.LoadMillis:F1} |"));
        }

        Console.Error.WriteLine($"cost: split 1's test messages ({timedTest.Count}), {Rounds} interleaved rounds, median; load: median of {Loads}");
        return 0;
    }

    private static void TimeSideBySide(List<Row> rows)
    {
        foreach (var row in rows)
        {
            row.Timed.Pass();
            row.Timed.Micros.Clear();
            row.Timed.FeaturizerMicros.Clear();
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        for (var round = 0; round < Rounds; round++)
        {
            var order = round % 2 == 0 ? rows : Enumerable.Reverse(rows);
            foreach (var row in order)
            {
                row.Timed.Pass();
            }
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record Row(SmsSpamRecipe Recipe, List<QualityMetrics> Results, Timed Timed);

    /// <summary>What the featurizer alone hands the trainer.</summary>
    private sealed class FeaturesOnly
    {
        public VBuffer<float> Features { get; set; }
    }

    /// <summary>One recipe's trained model, its engines and the times taken so far.</summary>
    private sealed class Timed
    {
        private readonly IServedModel<SmsSpamRequest, SmsFeatures, BinaryScore, BinaryAnswer> _model;
        private readonly PredictionEngine<SmsFeatures, BinaryScore> _engine;
        private readonly PredictionEngine<SmsFeatures, FeaturesOnly> _featurizer;
        private readonly SmsSpamRequest[] _requests;

        private Timed(SmsSpamModel model, PredictionEngine<SmsFeatures, BinaryScore> engine, PredictionEngine<SmsFeatures, FeaturesOnly> featurizer, SmsSpamRequest[] requests, long zipBytes, double loadMillis)
        {
            _model = model;
            _engine = engine;
            _featurizer = featurizer;
            _requests = requests;
            ZipBytes = zipBytes;
            LoadMillis = loadMillis;
        }

        public List<double> Micros { get; } = [];

        public List<double> FeaturizerMicros { get; } = [];

        public long ZipBytes { get; }

        public double LoadMillis { get; }

        public static Timed Of(MLContext ml, SmsSpamModel model, ITransformer trained, List<SmsFeatures> test)
        {
            IModelDefinition definition = model;
            var schema = ml.Data.LoadFromEnumerable(test).Schema;
            byte[] zip;
            using (var stream = new MemoryStream())
            {
                ml.Model.Save(trained, schema, stream);
                zip = stream.ToArray();
            }

            var loads = new List<double>();
            for (var i = 0; i < Loads; i++)
            {
                var watch = Stopwatch.StartNew();
                var loaded = ml.Model.Load(new MemoryStream(zip), out _);
                _ = definition.CreateEngine(ml, loaded);
                loads.Add(watch.Elapsed.TotalMilliseconds);
            }

            // The steps before the first predictor: what turns a message into the trainer's features.
            var steps = ((IEnumerable<ITransformer>)trained).TakeWhile(t => t is not IPredictionTransformer<object>).ToList();
            var featurizer = ml.Model.CreatePredictionEngine<SmsFeatures, FeaturesOnly>(new TransformerChain<ITransformer>(steps.ToArray()));
            var requests = test.Select(m => new SmsSpamRequest { Text = m.Text }).ToArray();
            return new Timed(model, (PredictionEngine<SmsFeatures, BinaryScore>)definition.CreateEngine(ml, trained), featurizer, requests, zip.Length, Median(loads));
        }

        public void Pass()
        {
            var watch = Stopwatch.StartNew();
            foreach (var request in _requests)
            {
                _model.ToItem(_engine.Predict(_model.FromRequest(request)));
            }

            Micros.Add(watch.Elapsed.TotalMicroseconds / _requests.Length);
            watch.Restart();
            foreach (var request in _requests)
            {
                _featurizer.Predict(_model.FromRequest(request));
            }

            FeaturizerMicros.Add(watch.Elapsed.TotalMicroseconds / _requests.Length);
        }
    }
}

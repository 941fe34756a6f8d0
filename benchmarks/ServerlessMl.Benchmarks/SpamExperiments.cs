using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using ServerlessMl.Definitions;
using ServerlessMl.Models.SmsSpam;
using ServerlessMl.Testing;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// <c>spam-experiments [splits]</c>: each spam recipe on the same seeded, stratified 80/20 splits of
/// ../shared's SMSSpamCollection.train (default 5 splits), scored on the 20 % by the model's own
/// metrics; prints mean and spread per recipe, and the cost of one prediction. The recipes are
/// compared on many splits, not tuned to one (docs/benchmarks.md, "SMS spam").
/// </summary>
internal static class SpamExperiments
{
    private static readonly string[] Shown = [MetricNames.Auc, MetricNames.Mcc, MetricNames.Accuracy, MetricNames.F1, MetricNames.Precision, MetricNames.Recall, MetricNames.LogLoss];

    public static int Run(IReadOnlyList<string> args)
    {
        var splits = args.Count > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        if (!File.Exists(RepoPaths.SmsSpamTrain))
        {
            Console.Error.WriteLine($"The SMS Spam Collection is not at {RepoPaths.SmsSpamTrain} (it lives in ../shared).");
            return 2;
        }

        var ml = new MLContext(seed: 1);
        var all = ml.Data.CreateEnumerable<SmsFeatures>(((IModelDefinition)new SmsSpamModel()).LoadFeatures(ml, [RepoPaths.SmsSpamTrain]), reuseRowObject: false).ToList();
        Console.Error.WriteLine($"{all.Count} messages, {all.Count(m => m.Label)} spam; {splits} stratified 80/20 splits (seeds 1..{splits})");
        Console.WriteLine($"| recipe | {string.Join(" | ", Shown)} | µs/prediction |");
        Console.WriteLine($"|---|{string.Concat(Enumerable.Repeat("---|", Shown.Length + 1))}");
        foreach (var recipe in SmsSpamRecipe.All)
        {
            IModelDefinition model = new SmsSpamModel(recipe);
            var results = new List<QualityMetrics>();
            double cost = 0;
            for (var seed = 1; seed <= splits; seed++)
            {
                var (train, test) = StratifiedSplit.Of(all, m => m.Label, seed);
                var trained = model.CreatePipeline(ml).Fit(ml.Data.LoadFromEnumerable(train));
                results.Add(model.Evaluate(ml, trained, ml.Data.LoadFromEnumerable(test)));
                cost += MicrosecondsPerPrediction(ml, model, trained, test) / splits;
            }

            var cells = Shown.Select(m =>
            {
                var values = results.Select(r => r[m]).ToArray();
                var mean = values.Average();
                var sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Length - 1));
                return string.Create(CultureInfo.InvariantCulture, $"{mean:F4} ± {sd:F4}");
            });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {recipe.Name} | {string.Join(" | ", cells)} | {cost:F1} |"));
        }

        return 0;
    }

    private static double MicrosecondsPerPrediction(MLContext ml, IModelDefinition definition, ITransformer trained, List<SmsFeatures> test)
    {
        var model = (IServedModel<SmsSpamRequest, SmsFeatures, BinaryScore, BinaryAnswer>)definition;
        var engine = (PredictionEngine<SmsFeatures, BinaryScore>)definition.CreateEngine(ml, trained);
        var requests = test.Take(200).Select(m => new SmsSpamRequest { Text = m.Text }).ToArray();
        foreach (var request in requests)
        {
            model.ToItem(engine.Predict(model.FromRequest(request)));
        }

        var watch = Stopwatch.StartNew();
        for (var round = 0; round < 5; round++)
        {
            foreach (var request in requests)
            {
                model.ToItem(engine.Predict(model.FromRequest(request)));
            }
        }

        return watch.Elapsed.TotalMicroseconds / (5 * requests.Length);
    }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using ServerlessMl.Cli.Score;
using ServerlessMl.Definitions;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Models.SmsSpam;
using ServerlessMl.Scoring;
using ServerlessMl.Testing;
using ServerlessMl.Training;

namespace ServerlessMl.Benchmarks;

/// <summary>
/// One model as the batch-scoring benchmark measures it: trained here (bike on synthetic days,
/// spam on ../shared's collection or, without it, synthetic messages), saved as a model.zip for the
/// memory runs, scoring drops of any length written by the model's own generator, and the two
/// paths: ours (the CLI's offline scoring: <see cref="IBatchScorer"/> over the file into a CSV file)
/// and the floor (ML.NET alone: TextLoader, FromInput, Transform, one cursor on the score column).
/// </summary>
internal sealed class BatchScoringSubject
{
    /// <summary>Days of synthetic data the bike model trains on: prediction cost is the trees', whatever the days.</summary>
    private const int BikeTrainingDays = 60;

    private const int SyntheticMessages = 4_000;

    private readonly Func<MLContext, ITransformer, string, long> _floor;
    private readonly Action<string, int> _writeDrop;

    private BatchScoringSubject(IModelDefinition definition, Func<MLContext, ITransformer, string, long> floor, Action<string, int> writeDrop)
    {
        Definition = definition;
        Scorer = BatchScorerFactory.For(definition) ?? throw new InvalidOperationException($"{definition.Name} is not precomputed.");
        _floor = floor;
        _writeDrop = writeDrop;
    }

    public IModelDefinition Definition { get; }

    public string Name => Definition.Name;

    public IBatchScorer Scorer { get; }

    public ITransformer Model { get; private set; } = null!;

    public string ZipPath { get; private set; } = string.Empty;

    /// <summary>What the model was trained on, for the report.</summary>
    public string TrainedOn { get; private set; } = string.Empty;

    public static BatchScoringSubject Bike(string folder)
    {
        var model = new BikeDemandModel();
        var subject = new BatchScoringSubject(
            model,
            (ml, transformer, path) => Floor<BikeForecastRow, BikeFeatures>(ml, transformer, model, path),
            (path, rows) => SyntheticBikeData.WriteForecast(path, new DateTime(2011, 1, 1, 0, 0, 0), rows, seed: 11));
        using var data = new SampleData(BikeTrainingDays);
        subject.Train(folder, LocalDataFiles.Open(data.Folder, data.Folder, model.Format), $"{BikeTrainingDays} synthetic days");
        return subject;
    }

    public static BatchScoringSubject Spam(string folder)
    {
        var model = new SmsSpamModel();
        var subject = new BatchScoringSubject(
            model,
            (ml, transformer, path) => Floor<SmsScoringRow, SmsFeatures>(ml, transformer, model, path),
            (path, rows) => SyntheticSmsData.WriteScoringDrop(path, rows, seed: 11));
        var messages = RepoPaths.SmsSpamTrain;
        var trainedOn = "../shared's SMSSpamCollection.train";
        if (!File.Exists(messages))
        {
            messages = Path.Combine(folder, "messages.tsv");
            SyntheticSms.Write(messages, SyntheticMessages);
            trainedOn = $"{SyntheticMessages} synthetic messages (../shared's collection is absent)";
        }

        subject.Train(folder, LocalDataFiles.Open(messages, folder, model.Format, DateOnly.FromDateTime(DateTime.UtcNow)), trainedOn);
        return subject;
    }

    /// <summary>Writes a scoring drop of <paramref name="rows"/> rows; returns its path.</summary>
    public string WriteDrop(string folder, int rows)
    {
        var path = Path.Combine(folder, $"{Name}-{rows}.{Scorer.Format.Extension}");
        if (!File.Exists(path))
        {
            _writeDrop(path, rows);
        }

        return path;
    }

    /// <summary>Our path, as <c>score --input</c> runs it: every row read, checked, keyed, scored and written as CSV.</summary>
    public static ScoreTally Ours(IBatchScorer scorer, ITransformer model, string input, string output)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        var tally = new ScoreTally();
        using (var writer = ScoreWriter.Create(File.Create(output), jsonLines: false, scorer.FieldNames))
        {
            new FileScoring(scorer, model, "benchmark", writer).Score(new ScoreInput(input, Path.GetFileName(input), new DateOnly(2026, 1, 1), new FileInfo(input).Length), tally);
            writer.Flush();
        }

        if (tally.Unreadable.Count > 0 || tally.Refused > 0)
        {
            throw new InvalidOperationException($"the benchmark's drop should score whole: {tally.Refused} refused, {string.Join("; ", tally.Unreadable)}");
        }

        return tally;
    }

    public long Ours(string input, string output) => Ours(Scorer, Model, input, output).Scored;

    /// <summary>The floor: the rows read by ML.NET's TextLoader, featurized and scored; returns the rows the cursor saw.</summary>
    public long Floor(string input) => _floor(new MLContext(), Model, input);

    private void Train(string folder, IReadOnlyList<DataFile> files, string trainedOn)
    {
        var trainer = new ModelTrainer(Definition, new TrainingOptions { MinTrainingDays = 0, HoldoutDays = 0 });
        var checkedFiles = trainer.Validate(files);
        var model = trainer.Fit(checkedFiles);
        ZipPath = Path.Combine(folder, $"{Name}.zip");
        using (var zip = File.Create(ZipPath))
        {
            trainer.Save(model, zip, checkedFiles);
        }

        // Scored as a user would: the saved model.zip, loaded.
        Model = new MLContext().Model.Load(ZipPath, out _);
        TrainedOn = trainedOn;
    }

    private static long Floor<TInput, TFeatures>(MLContext ml, ITransformer model, IPrecomputed<TInput, TFeatures> precomputed, string path)
        where TInput : class, new()
        where TFeatures : class, new()
    {
        // The loader options the scorer's reader uses, so both parse the same text the same way.
        var format = precomputed.ScoringFormat;
        var loader = ml.Data.CreateTextLoader<TInput>(format.LoaderOptions());
        var rows = ml.Data.CreateEnumerable<TInput>(loader.Load(path), reuseRowObject: true).Select(precomputed.FromInput);
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var column = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([column]);
        var getter = cursor.GetGetter<float>(column);
        var score = 0f;
        long count = 0;
        while (cursor.MoveNext())
        {
            getter(ref score);
            count++;
        }

        return count;
    }
}

using Microsoft.ML;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;

namespace ServerlessMl.Training;

/// <summary>
/// Validates, splits (by the model's <see cref="HoldoutSplit"/>), trains and evaluates one model
/// on local data files. Knows nothing of blobs or hosts: the retrain job and the offline CLI both
/// use it.
/// </summary>
/// <param name="time">The clock that says which days are in the future (default: the system's).</param>
internal sealed class ModelTrainer(IModelDefinition definition, TrainingOptions options, TimeProvider? time = null)
{
    private readonly MLContext _ml = new(seed: 1);

    /// <summary>Checks every file and that there is enough data to train on; returns the files with their row counts. Throws <see cref="DataValidationException"/>.</summary>
    public IReadOnlyList<DataFile> Validate(IReadOnlyList<DataFile> files, IProgress<string>? progress = null)
    {
        var checkedFiles = CheckFiles(files, progress);
        var kept = checkedFiles.Sum(f => f.Rows - f.DroppedRows);
        if (kept == 0 && checkedFiles.Count > 0)
        {
            throw new DataValidationException($"{definition.Name}/", null, "the model's row filter leaves out every row; there is nothing to train on");
        }

        if (definition.Split is HashedRowsSplit rowsSplit)
        {
            if (kept < rowsSplit.MinRows)
            {
                var left = checkedFiles.Sum(f => f.DroppedRows) is > 0 and var dropped ? $" after the row filter left out {dropped}" : string.Empty;
                throw new DataValidationException($"{definition.Name}/", null, $"{kept} row(s) of data{left}; training needs at least {rowsSplit.MinRows}");
            }

            return checkedFiles;
        }

        var days = checkedFiles.Count;
        if (days < options.MinTrainingDays + options.HoldoutDays)
        {
            throw new DataValidationException(
                $"{definition.Name}/",
                null,
                $"{days} day(s) of data; training needs at least {options.MinTrainingDays + options.HoldoutDays} ({options.MinTrainingDays} to train on and {options.HoldoutDays} held out)");
        }

        return checkedFiles;
    }

    /// <summary>Checks every file on its own (no amount of data is required); returns them with their row counts. Throws <see cref="DataValidationException"/>.</summary>
    public IReadOnlyList<DataFile> CheckFiles(IReadOnlyList<DataFile> files, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        var latest = LatestDataDay.At(time ?? TimeProvider.System);
        var checkedFiles = new List<DataFile>(files.Count);
        foreach (var file in files)
        {
            var check = definition.ValidateFile(_ml, file.LocalPath, file.BlobName, file.Day, latest);
            checkedFiles.Add(file with { Rows = check.Rows, DroppedRows = check.Dropped });
            progress?.Report(file.BlobName);
        }

        return checkedFiles;
    }

    /// <summary>
    /// Trains on all but the held-out rows and scores those: the newest <see cref="TrainingOptions.HoldoutDays"/>
    /// days, or the hashed share of rows of every file.
    /// </summary>
    public HoldoutResult TrainOnHoldoutSplit(IReadOnlyList<DataFile> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (definition.Split is HashedRowsSplit)
        {
            var paths = files.Select(f => f.LocalPath).ToList();
            var trained = definition.CreatePipeline(_ml).Fit(definition.LoadFeatures(_ml, paths, RowSelection.Training));
            var scored = definition.Evaluate(_ml, trained, definition.LoadFeatures(_ml, paths, RowSelection.Holdout));
            return new HoldoutResult(trained, scored, Window(files), files);
        }

        var ordered = files.OrderBy(f => f.Day).ToList();
        var train = ordered.Take(ordered.Count - options.HoldoutDays).ToList();
        var holdout = ordered.Skip(ordered.Count - options.HoldoutDays).ToList();

        var model = Fit(train);
        var metrics = definition.Evaluate(_ml, model, Features(holdout));
        return new HoldoutResult(model, metrics, Window(holdout), holdout);
    }

    public ITransformer Fit(IReadOnlyList<DataFile> files) =>
        definition.CreatePipeline(_ml).Fit(Features(files));

    /// <summary>Scores every row of <paramref name="files"/>.</summary>
    public QualityMetrics Evaluate(ITransformer model, IReadOnlyList<DataFile> files) =>
        definition.Evaluate(_ml, model, Features(files));

    /// <summary>Each row of <paramref name="files"/> with the model's prediction, in the label's units.</summary>
    public IReadOnlyList<Reporting.ScoredRow> ScoreRows(ITransformer model, IReadOnlyList<DataFile> files) =>
        definition.Score(_ml, model, Features(files)).Rows;

    /// <summary>Saves a model with the definition's input schema.</summary>
    public void Save(ITransformer model, Stream destination, IReadOnlyList<DataFile> schemaSource) =>
        _ml.Model.Save(model, Features(schemaSource.Take(1).ToList()).Schema, destination);

    public ITransformer Load(Stream modelZip) => _ml.Model.Load(modelZip, out _);

    /// <summary>Loads a model.zip with the input schema it was saved with.</summary>
    public ITransformer Load(Stream modelZip, out DataViewSchema inputSchema) => _ml.Model.Load(modelZip, out inputSchema);

    /// <summary>
    /// The columns in which a saved model's input differs from this definition's rows (as read from
    /// <paramref name="files"/>): missing on either side or of another type. Empty when the model
    /// was saved for this definition; a model of another one fails deep inside ML.NET instead.
    /// </summary>
    public IReadOnlyList<string> InputDifferences(DataViewSchema inputSchema, IReadOnlyList<DataFile> files)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentNullException.ThrowIfNull(files);
        var expected = Features([.. files.Take(1)]).Schema;
        static Dictionary<string, Microsoft.ML.Data.DataViewType> Visible(DataViewSchema schema) =>
            schema.Where(c => !c.IsHidden).GroupBy(c => c.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Type, StringComparer.Ordinal);
        var want = Visible(expected);
        var have = Visible(inputSchema);
        return [.. want.Keys.Union(have.Keys, StringComparer.Ordinal)
            .Where(name => !want.TryGetValue(name, out var type) || !have.TryGetValue(name, out var saved) || !type.Equals(saved))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The held-out rows' predictions by the model trained without them, with their report groups.</summary>
    public Reporting.ScoredRows ScoreHoldout(HoldoutResult holdout, IReadOnlyList<DataFile> files) =>
        definition.Score(_ml, Held(holdout).Model, HoldoutFeatures(holdout, files));

    /// <summary>Feature importance of the model trained without the held-out rows, measured on them.</summary>
    public Reporting.FeatureImportances ImportanceOnHoldout(HoldoutResult holdout, IReadOnlyList<DataFile> files) =>
        definition.Importance(_ml, Held(holdout).Model, HoldoutFeatures(holdout, files));

    private static HoldoutResult Held(HoldoutResult holdout) => holdout ?? throw new ArgumentNullException(nameof(holdout));

    private IDataView HoldoutFeatures(HoldoutResult holdout, IReadOnlyList<DataFile> files) =>
        definition.Split is HashedRowsSplit
            ? definition.LoadFeatures(_ml, [.. files.Select(f => f.LocalPath)], RowSelection.Holdout)
            : Features(holdout.HoldoutFiles);

    public static DayRange Window(IReadOnlyList<DataFile> files) =>
        new(files.Min(f => f.Day), files.Max(f => f.Day), files.Count);

    private IDataView Features(IReadOnlyList<DataFile> files) =>
        definition.LoadFeatures(_ml, [.. files.Select(f => f.LocalPath)]);
}

internal sealed record HoldoutResult(ITransformer Model, QualityMetrics Metrics, DayRange Window, IReadOnlyList<DataFile> HoldoutFiles);

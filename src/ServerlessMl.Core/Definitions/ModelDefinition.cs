using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;
using ServerlessMl.Reporting;

namespace ServerlessMl.Definitions;

/// <summary>
/// One model, as its author writes it: its name, how its data files are written and checked, how
/// a candidate is judged, its pipeline, and how a row and a request become features. Everything
/// else (validation, retraining, the gate, the registry, serving, OpenAPI, reports) is derived.
/// Derive from a task: <see cref="RegressionModel{TRow, TRequest, TFeatures}"/>,
/// <see cref="BinaryClassificationModel{TRow, TRequest, TFeatures}"/>, or for flat tabular data
/// <see cref="TabularRegressionModel{TRow}"/>.
/// </summary>
/// <typeparam name="TRow">One data row, with ML.NET <c>LoadColumn</c> attributes.</typeparam>
/// <typeparam name="TRequest">One JSON prediction request, in units a caller knows.</typeparam>
/// <typeparam name="TFeatures">The model's input, with its <c>Label</c> column.</typeparam>
/// <typeparam name="TPrediction">The model's output, fixed by the task.</typeparam>
public abstract class ModelDefinition<TRow, TRequest, TFeatures, TPrediction> : ModelDefinition, IModelDefinition
    where TRow : class, new()
    where TRequest : class
    where TFeatures : class, new()
    where TPrediction : class, new()
{
    // Computed on first use; two threads racing compute equal values, so the later write is harmless.
    private RowReader<TRow>? _reader;
    private string? _schemaHash;
    private TrainerDescription? _trainer;

    private protected ModelDefinition()
    {
    }

    /// <summary>URL-safe name (lowercase letters, digits, hyphens): the route segment and the blob prefix.</summary>
    public abstract string Name { get; }

    public virtual string Description => Name;

    /// <summary>How the model's data files are written.</summary>
    public abstract DataFormat Format { get; }

    /// <summary>Which rows judge a candidate: the newest days unless the model says otherwise.</summary>
    public virtual HoldoutSplit<TRow> Split => HoldoutSplit<TRow>.NewestDays;

    /// <summary>The gate a candidate must pass; settings (<c>Models__&lt;name&gt;__Gate__…</c>) override it.</summary>
    public virtual GateThresholds DefaultGate => TaskGate();

    /// <summary>A request that passes validation, shown as the example in the OpenAPI document; null for none.</summary>
    public virtual TRequest? ExampleRequest => null;

    /// <summary>Bump when the featurizer's meaning changes without its columns changing.</summary>
    protected virtual int FeaturizerVersion => 1;

    /// <summary>
    /// Bump when code the pipeline's description cannot see changes what is trained (the row
    /// filter, <see cref="FromRow"/>, a custom mapping): the next run then retrains on the same data
    /// and compares with the champion, which stays comparable (unlike <see cref="FeaturizerVersion"/>).
    /// </summary>
    protected virtual int RecipeVersion => 1;

    public abstract IEstimator<ITransformer> CreatePipeline(MLContext ml);

    /// <summary>The featurizer applied to training rows; serving uses <see cref="FromRequest"/>.</summary>
    public abstract TFeatures FromRow(TRow row);

    /// <summary>The featurizer applied to requests; must agree with <see cref="FromRow"/>.</summary>
    public abstract TFeatures FromRequest(TRequest request);

    /// <summary>What is wrong with a row that makes its file unusable; null when the row is fine.</summary>
    protected virtual string? Check(TRow row) => null;

    /// <summary>False for a valid row the model should not learn from (an outlier): dropped and counted, not failed.</summary>
    protected virtual bool Keep(TRow row) => true;

    /// <summary>The day a row belongs to, which must equal the day of its file; null for data without days.</summary>
    protected virtual DateOnly? DayOf(TRow row) => null;

    /// <summary>Identifies a row within its file, to refuse duplicates (e.g. the hour); null to allow them.</summary>
    protected virtual string? KeyOf(TRow row) => null;

    string IModelDefinition.Task => TaskName;

    HoldoutSplit IModelDefinition.Split => Split.Rule;

    string IModelDefinition.InputSchemaHash => _schemaHash ??= ComputeSchemaHash();

    TrainerDescription IModelDefinition.Trainer => _trainer ??= PipelineDescriber.Describe(CreatePipeline(new MLContext(seed: 1)), RecipeVersion);

    Type IModelDefinition.RequestType => typeof(TRequest);

    (Type Single, Type Batch) IModelDefinition.AnswerTypes => AnswerTypes;

    object? IModelDefinition.ExampleRequest => ExampleRequest;

    private protected abstract string TaskName { get; }

    private protected abstract (Type Single, Type Batch) AnswerTypes { get; }

    private protected abstract GateThresholds TaskGate();

    /// <summary>The report groups of a row (e.g. its hour of day), when the model declares any.</summary>
    private protected IReadOnlyList<(string Name, Func<TFeatures, string> Of)> Groups =>
        (this as IReportGroups<TFeatures>)?.ReportGroups ?? [];

    private RowReader<TRow> Reader => _reader ??= new(Format, new(Check, Keep, DayOf, KeyOf));

    FileCheck IModelDefinition.ValidateFile(MLContext ml, string localPath, string blobName, DateOnly day, DateOnly latestDay) =>
        Reader.Validate(ml, localPath, blobName, day, latestDay);

    IDataView IModelDefinition.LoadFeatures(MLContext ml, IReadOnlyList<string> localPaths, RowSelection rows)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(localPaths);
        var selected = Reader.KeptRows(ml, localPaths);
        if (rows != RowSelection.All)
        {
            var split = Split;
            if (split.Rule is not HashedRowsSplit)
            {
                throw new InvalidOperationException($"{Name} holds out whole days, not a share of rows.");
            }

            selected = selected.Where(row => split.IsHeldOut(row) == (rows == RowSelection.Holdout));
        }

        return ml.Data.LoadFromEnumerable(selected.Select(FromRow));
    }

    QualityMetrics IModelDefinition.Evaluate(MLContext ml, ITransformer model, IDataView features) =>
        Metrics(ScoreColumns(ml, model, features, withGroups: false).Rows);

    ScoredRows IModelDefinition.Score(MLContext ml, ITransformer model, IDataView features) =>
        ScoreColumns(ml, model, features, withGroups: true);

    QualityMetrics IModelDefinition.Metrics(IEnumerable<ScoredRow> rows) => Metrics(rows);

    FeatureImportances IModelDefinition.Importance(MLContext ml, ITransformer model, IDataView features) =>
        Importance(ml, model, features);

    object IModelDefinition.CreateEngine(MLContext ml, ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(ml);
        return ml.Model.CreatePredictionEngine<TFeatures, TPrediction>(model);
    }

    TResult IModelDefinition.Accept<TResult>(IServingVisitor<TResult> visitor) => Accept(visitor);

    double? IModelDefinition.ParseTruth(System.Text.Json.JsonElement value, out string? problem) => ParseTruth(value, out problem);

    private protected abstract double? ParseTruth(System.Text.Json.JsonElement value, out string? problem);

    IEnumerable<(string Key, double Actual)> IModelDefinition.Truths(MLContext ml, IReadOnlyList<string> localPaths)
    {
        ArgumentNullException.ThrowIfNull(ml);
        if (this is not ILiveTruth<TRow, TRequest> truth)
        {
            return [];
        }

        return Reader.KeptRows(ml, localPaths)
            .Select(row => (Key: truth.TruthKeyOf(row), Actual: ActualOf(FromRow(row))))
            .Where(t => t.Key is not null)
            .Select(t => (t.Key!, t.Actual));
    }

    /// <summary>A featurized row's label as the number live metrics compare a score with.</summary>
    private protected abstract double ActualOf(TFeatures features);

    /// <summary>The request's truth key when the model opts in to <see cref="ILiveTruth{TRow, TRequest}"/>.</summary>
    private protected string? TruthKeyOf(TRequest request) => (this as ILiveTruth<TRow, TRequest>)?.TruthKeyOf(request);

    private protected abstract TResult Accept<TResult>(IServingVisitor<TResult> visitor);

    private protected abstract QualityMetrics Metrics(IEnumerable<ScoredRow> rows);

    private protected abstract FeatureImportances Importance(MLContext ml, ITransformer model, IDataView features);

    /// <summary>Each row's label and prediction in the report's numbers (one cursor), with its report groups if asked.</summary>
    private protected abstract ScoredRows ScoreColumns(MLContext ml, ITransformer model, IDataView features, bool withGroups);

    /// <summary>
    /// Scores <paramref name="features"/> and reads each row's label and prediction from the named
    /// columns in one cursor, mapped to the report's numbers.
    /// </summary>
    private protected ScoredRows ScoreColumns<TLabel>(MLContext ml, ITransformer model, IDataView features, bool withGroups, string predictionColumn, Func<TLabel, double> actual, Func<float, double> predicted)
    {
        ArgumentNullException.ThrowIfNull(model);
        var scored = model.Transform(features);
        var labelColumn = scored.Schema["Label"];
        var scoreColumn = scored.Schema[predictionColumn];
        var groups = withGroups ? Groups : [];
        var rows = new List<ScoredRow>();
        using var groupValues = GroupsOf(ml, features, groups).GetEnumerator();
        using var cursor = scored.GetRowCursor([labelColumn, scoreColumn]);
        var label = cursor.GetGetter<TLabel>(labelColumn);
        var score = cursor.GetGetter<float>(scoreColumn);
        TLabel l = default!;
        float s = 0;
        while (cursor.MoveNext() && groupValues.MoveNext())
        {
            label(ref l);
            score(ref s);
            rows.Add(new ScoredRow(actual(l), predicted(s), groupValues.Current));
        }

        return new ScoredRows([.. groups.Select(g => g.Name)], rows);
    }

    /// <summary>Each row's report groups, in the order the rows of <paramref name="features"/> come; no pass over the rows without groups.</summary>
    private static IEnumerable<string[]> GroupsOf(MLContext ml, IDataView features, IReadOnlyList<(string Name, Func<TFeatures, string> Of)> groups)
    {
        if (groups.Count == 0)
        {
            while (true)
            {
                yield return [];
            }
        }

        foreach (var row in ml.Data.CreateEnumerable<TFeatures>(features, reuseRowObject: true))
        {
            var values = new string[groups.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = groups[i].Of(row);
            }

            yield return values;
        }
    }

    private string ComputeSchemaHash()
    {
        var text = new StringBuilder();
        text.Append(Name).Append('|').Append(FeaturizerVersion);
        foreach (var property in typeof(TFeatures).GetProperties().OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            text.Append('|').Append(property.Name).Append(':').Append(property.PropertyType.Name);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}

/// <summary>
/// Any model definition, as <see cref="ServerlessMlBuilder.AddModel{TModel}"/> takes it; derive from a
/// task's base class (see <see cref="ModelDefinition{TRow, TRequest, TFeatures, TPrediction}"/>).
/// </summary>
public abstract class ModelDefinition
{
    private protected ModelDefinition()
    {
    }
}

/// <summary>
/// Opt-in: the groups a report breaks a model's errors down by (e.g. hour of day), each with how
/// to read it off a row's features.
/// </summary>
public interface IReportGroups<TFeatures>
{
    IReadOnlyList<(string Name, Func<TFeatures, string> Of)> ReportGroups { get; }
}

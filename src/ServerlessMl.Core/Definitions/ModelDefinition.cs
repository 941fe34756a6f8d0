using System.Globalization;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using ServerlessMl.Training;

namespace ServerlessMl.Definitions;

/// <summary>
/// The task-independent half of a model definition: reading, checking and featurizing data
/// files, the holdout split, the schema hash and engines. The task's base class adds metrics and
/// answers; a concrete model supplies the typed pieces.
/// </summary>
/// <typeparam name="TRow">One data row, with ML.NET <c>LoadColumn</c> attributes.</typeparam>
/// <typeparam name="TRequest">One JSON prediction request, in units a caller knows.</typeparam>
/// <typeparam name="TFeatures">The model's input, with its <c>Label</c> column.</typeparam>
/// <typeparam name="TPrediction">The model's output.</typeparam>
public abstract class ModelDefinition<TRow, TRequest, TFeatures, TPrediction> : IModelDefinition
    where TRow : class, new()
    where TRequest : class
    where TFeatures : class, new()
    where TPrediction : class, new()
{
    private string? _schemaHash;

    public abstract string Name { get; }

    public abstract string Description { get; }

    public abstract string Task { get; }

    public abstract DataFormat Format { get; }

    public virtual HoldoutSplit Split { get; } = new NewestDaysSplit();

    public abstract GateThresholds DefaultGate { get; }

    public abstract TrainerDescription Trainer { get; }

    public Type RequestType => typeof(TRequest);

    public abstract (Type Single, Type Batch) AnswerTypes { get; }

    /// <inheritdoc/>
    public virtual object? ExampleRequest => null;

    /// <inheritdoc/>
    public virtual IReadOnlyList<Backtesting.IBacktestRecipe> BacktestRecipes => [new Backtesting.PipelineRecipe(this, "shipped", "the model's own pipeline")];

    /// <inheritdoc/>
    public virtual IReadOnlyList<Backtesting.IBacktestRecipe> CandidateRecipes => [];

    /// <summary>Bump when the featurizer's meaning changes without its columns changing.</summary>
    protected virtual int FeaturizerVersion => 1;

    public string InputSchemaHash => _schemaHash ??= ComputeSchemaHash();

    /// <summary>The day a row belongs to, which must equal the day in the file's name; null for data without days.</summary>
    protected virtual DateOnly? DayOf(TRow row) => null;

    /// <summary>Identifies a row within its file, to refuse duplicates (e.g. the hour); null to allow them.</summary>
    protected virtual string? KeyOf(TRow row) => null;

    /// <summary>What a <see cref="HashedRowsSplit"/> hashes to put a row on its side (e.g. the message text).</summary>
    protected virtual string HoldoutKey(TRow row) =>
        throw new NotSupportedException($"{Name} uses a hashed-rows split but does not say what to hash (override HoldoutKey).");

    /// <summary>Range and type checks for one row; null when the row is fine.</summary>
    protected abstract string? Check(TRow row);

    /// <summary>The featurizer applied to training rows; serving uses <see cref="FromRequest"/>.</summary>
    public abstract TFeatures FromRow(TRow row);

    /// <summary>The featurizer applied to requests; must agree with <see cref="FromRow"/>.</summary>
    public abstract TFeatures FromRequest(TRequest request);

    public abstract IEstimator<ITransformer> CreatePipeline(MLContext ml);

    public abstract QualityMetrics Evaluate(MLContext ml, ITransformer model, IDataView features);

    /// <inheritdoc/>
    public abstract QualityMetrics Metrics(IEnumerable<Reporting.ScoredRow> rows);

    public abstract Reporting.ScoredRows Score(MLContext ml, ITransformer model, IDataView features);

    public abstract Reporting.FeatureImportances Importance(MLContext ml, ITransformer model, IDataView features);

    /// <summary>Groups a report breaks errors down by (e.g. hour of day), each with how to read it off a row's features.</summary>
    protected virtual IReadOnlyList<(string Name, Func<TFeatures, string> Of)> ReportGroups => [];

    /// <summary>
    /// Scores <paramref name="features"/> and reads each row's label and prediction from the named
    /// columns (one cursor), with the row's report groups, mapped to the report's numbers.
    /// </summary>
    protected Reporting.ScoredRows ScoreColumns<TLabel>(MLContext ml, ITransformer model, IDataView features, string predictionColumn, Func<TLabel, double> actual, Func<float, double> predicted)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        var scored = model.Transform(features);
        var labelColumn = scored.Schema["Label"];
        var scoreColumn = scored.Schema[predictionColumn];
        var rows = new List<Reporting.ScoredRow>();
        using var groups = GroupsOf(ml, features).GetEnumerator();
        using var cursor = scored.GetRowCursor([labelColumn, scoreColumn]);
        var label = cursor.GetGetter<TLabel>(labelColumn);
        var score = cursor.GetGetter<float>(scoreColumn);
        TLabel l = default!;
        float s = 0;
        while (cursor.MoveNext() && groups.MoveNext())
        {
            label(ref l);
            score(ref s);
            rows.Add(new Reporting.ScoredRow(actual(l), predicted(s), groups.Current));
        }

        return new Reporting.ScoredRows([.. ReportGroups.Select(g => g.Name)], rows);
    }

    /// <summary>Each row's report groups, in the order the rows of <paramref name="features"/> come.</summary>
    private IEnumerable<string[]> GroupsOf(MLContext ml, IDataView features)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var groups = ReportGroups;
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

    public abstract object Predict(object engine, object request);

    public abstract object Answer(string version, object prediction);

    public abstract object Answer(string version, IReadOnlyList<object> predictions);

    public long ValidateFile(MLContext ml, string localPath, string blobName, DateOnly day, DateOnly latestDay)
    {
        ArgumentNullException.ThrowIfNull(ml);
        TextDropEncoding.Check(localPath, blobName, hasHeader: Format.Header is not null);
        CheckHeader(localPath, blobName);
        var view = CreateLoader(ml).Load(localPath);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long rowNumber = 0;
        foreach (var row in ml.Data.CreateEnumerable<TRow>(view, reuseRowObject: true))
        {
            rowNumber++;
            var problem = Check(row);
            if (problem is not null)
            {
                throw new DataValidationException(blobName, rowNumber, problem);
            }

            if (DayOf(row) is { } rowDay)
            {
                if (LatestDataDay.Problem("date", rowDay, latestDay) is { } future)
                {
                    throw new DataValidationException(blobName, rowNumber, future);
                }

                if (rowDay != day)
                {
                    throw new DataValidationException(blobName, rowNumber, $"date {rowDay:yyyy-MM-dd} does not match the file's day {day:yyyy-MM-dd}");
                }
            }

            if (KeyOf(row) is { } key && !seen.Add(key))
            {
                throw new DataValidationException(blobName, rowNumber, $"a second row for {key} on {day:yyyy-MM-dd}");
            }
        }

        if (rowNumber == 0)
        {
            throw new DataValidationException(blobName, null, Format.Header is null ? "the file has no data rows" : "the file has a header but no data rows");
        }

        // Data without days has only the drop's own day to check.
        if (LatestDataDay.Problem("the drop's day", day, latestDay) is { } futureDrop)
        {
            throw new DataValidationException(blobName, null, futureDrop);
        }

        return rowNumber;
    }

    public IDataView LoadFeatures(MLContext ml, IReadOnlyList<string> localPaths, RowSelection rows = RowSelection.All)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(localPaths);
        var view = CreateLoader(ml).Load(new MultiFileSource([.. localPaths]));

        // Lazy: ML.NET pulls rows through the featurizer as a trainer reads them, so the files are
        // never held in memory as rows; what a trainer keeps is its own business.
        var selected = ml.Data.CreateEnumerable<TRow>(view, reuseRowObject: false);
        if (rows != RowSelection.All)
        {
            var split = Split as HashedRowsSplit
                ?? throw new InvalidOperationException($"{Name} holds out whole days, not a share of rows.");
            selected = selected.Where(row => IsHeldOut(row, split) == (rows == RowSelection.Holdout));
        }

        return ml.Data.LoadFromEnumerable(selected.Select(FromRow));
    }

    public object CreateEngine(MLContext ml, ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(ml);
        return ml.Model.CreatePredictionEngine<TFeatures, TPrediction>(model);
    }

    /// <summary>The typed engine's prediction for one request.</summary>
    protected TPrediction PredictRaw(object engine, object request) =>
        ((PredictionEngine<TFeatures, TPrediction>)engine).Predict(FromRequest((TRequest)request));

    private bool IsHeldOut(TRow row, HashedRowsSplit split)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{split.Seed}|{HoldoutKey(row)}"));
        return BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(bytes)) / (double)ulong.MaxValue < split.Fraction;
    }

    private TextLoader CreateLoader(MLContext ml) =>
        ml.Data.CreateTextLoader<TRow>(new TextLoader.Options
        {
            Separators = [Format.Separator],
            HasHeader = Format.Header is not null,
            AllowQuoting = Format.AllowQuoting,
            TrimWhitespace = Format.Separator != '\t',

            // Empty numeric fields load as NaN (not ML.NET's default of 0) so validation can refuse them.
            MissingRealsAsNaNs = true,
        });

    private void CheckHeader(string localPath, string blobName)
    {
        if (Format.Header is not { } expected)
        {
            return;
        }

        string? header;
        using (var reader = new StreamReader(localPath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
        {
            header = reader.ReadLine();
        }

        var separator = Format.Separator.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            throw new DataValidationException(blobName, null, "the file is empty; expected the header " + string.Join(separator, expected));
        }

        var columns = header.Split(Format.Separator).Select(c => c.Trim()).ToArray();
        if (!columns.SequenceEqual(expected, StringComparer.OrdinalIgnoreCase))
        {
            var missing = expected.Except(columns, StringComparer.OrdinalIgnoreCase).ToArray();
            var detail = missing.Length > 0 ? $"missing column(s) {string.Join(", ", missing)}" : "columns are out of order or extra";
            throw new DataValidationException(blobName, null, $"header does not match ({detail}); expected {string.Join(separator, expected)}");
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

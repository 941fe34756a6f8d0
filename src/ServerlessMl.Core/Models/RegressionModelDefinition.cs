using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using ServerlessMl.Training;

namespace ServerlessMl.Models;

/// <summary>
/// The generic half of a regression model definition: loading, validating and featurizing CSV
/// rows, and evaluating in the label's units. A concrete model supplies the typed pieces.
/// </summary>
/// <typeparam name="TRow">One CSV row, with ML.NET <c>LoadColumn</c> attributes.</typeparam>
/// <typeparam name="TRequest">One JSON prediction request, in units a caller knows.</typeparam>
/// <typeparam name="TFeatures">The model's input; must have a float <c>Label</c> column.</typeparam>
/// <typeparam name="TPrediction">The model's output; must have a float <c>Score</c> column.</typeparam>
public abstract class RegressionModelDefinition<TRow, TRequest, TFeatures, TPrediction> : IModelDefinition
    where TRow : class, new()
    where TRequest : class
    where TFeatures : class, new()
    where TPrediction : class, new()
{
    private string? _schemaHash;

    public abstract string Name { get; }

    public abstract string Description { get; }

    public abstract IReadOnlyList<string> CsvColumns { get; }

    public virtual GateThresholds DefaultGate => new();

    public abstract TrainerDescription Trainer { get; }

    public Type RequestType => typeof(TRequest);

    /// <summary>Bump when the featurizer's meaning changes without its columns changing.</summary>
    protected virtual int FeaturizerVersion => 1;

    public string InputSchemaHash => _schemaHash ??= ComputeSchemaHash();

    /// <summary>The day a row belongs to; it must equal the day in the blob's name.</summary>
    protected abstract DateOnly DayOf(TRow row);

    /// <summary>Identifies a row within its day, to reject duplicates (e.g. the hour).</summary>
    protected abstract int KeyOf(TRow row);

    /// <summary>Range and type checks for one row; null when the row is fine.</summary>
    protected abstract string? Check(TRow row);

    /// <summary>The featurizer applied to training rows; serving uses <see cref="FromRequest"/>.</summary>
    public abstract TFeatures FromRow(TRow row);

    /// <summary>The featurizer applied to requests; must agree with <see cref="FromRow"/>.</summary>
    public abstract TFeatures FromRequest(TRequest request);

    /// <summary>Maps a raw model score back to the label's units (inverse of any label transform).</summary>
    public virtual double ToLabelUnits(float value) => value;

    public abstract IEstimator<ITransformer> CreatePipeline(MLContext ml);

    public long ValidateFile(MLContext ml, string localPath, string blobName, DateOnly day)
    {
        ArgumentNullException.ThrowIfNull(ml);
        CheckHeader(localPath, blobName);
        var view = CreateLoader(ml).Load(localPath);
        var seen = new HashSet<int>();
        long rowNumber = 0;
        foreach (var row in ml.Data.CreateEnumerable<TRow>(view, reuseRowObject: true))
        {
            rowNumber++;
            var problem = Check(row);
            if (problem is not null)
            {
                throw new DataValidationException(blobName, rowNumber, problem);
            }

            var rowDay = DayOf(row);
            if (rowDay != day)
            {
                throw new DataValidationException(blobName, rowNumber, $"date {rowDay:yyyy-MM-dd} does not match the file's day {day:yyyy-MM-dd}");
            }

            if (!seen.Add(KeyOf(row)))
            {
                throw new DataValidationException(blobName, rowNumber, $"duplicate row for key {KeyOf(row)} on {day:yyyy-MM-dd}");
            }
        }

        if (rowNumber == 0)
        {
            throw new DataValidationException(blobName, null, "the file has a header but no data rows");
        }

        return rowNumber;
    }

    public IDataView LoadFeatures(MLContext ml, IReadOnlyList<string> localPaths)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(localPaths);
        var rows = CreateLoader(ml).Load(new MultiFileSource([.. localPaths]));

        // Lazy: ML.NET pulls rows through the featurizer as a trainer reads them, so the CSV files are
        // never held in memory as rows; what a trainer keeps is its own business.
        var features = ml.Data.CreateEnumerable<TRow>(rows, reuseRowObject: false).Select(FromRow);
        return ml.Data.LoadFromEnumerable(features);
    }

    public QualityMetrics Evaluate(MLContext ml, ITransformer model, IDataView features)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(model);
        // One cursor for both columns: each cursor re-reads and re-featurizes the CSV files.
        var scored = model.Transform(features);
        var labelColumn = scored.Schema["Label"];
        var scoreColumn = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([labelColumn, scoreColumn]);
        var label = cursor.GetGetter<float>(labelColumn);
        var score = cursor.GetGetter<float>(scoreColumn);
        return QualityMetrics.From(Pairs());

        IEnumerable<(double Actual, double Predicted)> Pairs()
        {
            float l = 0, s = 0;
            while (cursor.MoveNext())
            {
                label(ref l);
                score(ref s);
                yield return (ToLabelUnits(l), ToLabelUnits(s));
            }
        }
    }

    public object CreateEngine(MLContext ml, ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(ml);
        return ml.Model.CreatePredictionEngine<TFeatures, TPrediction>(model);
    }

    public double Predict(object engine, object request) =>
        ToLabelUnits(Score(((PredictionEngine<TFeatures, TPrediction>)engine).Predict(FromRequest((TRequest)request))));

    /// <summary>The raw score of a prediction, before <see cref="ToLabelUnits"/>.</summary>
    protected abstract float Score(TPrediction prediction);

    // Empty numeric fields load as NaN (not ML.NET's default of 0) so validation can reject them.
    private static TextLoader CreateLoader(MLContext ml) =>
        ml.Data.CreateTextLoader<TRow>(new TextLoader.Options
        {
            Separators = [','],
            HasHeader = true,
            AllowQuoting = false,
            TrimWhitespace = true,
            MissingRealsAsNaNs = true,
        });

    private void CheckHeader(string localPath, string blobName)
    {
        string? header;
        using (var reader = new StreamReader(localPath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
        {
            header = reader.ReadLine();
        }

        if (string.IsNullOrWhiteSpace(header))
        {
            throw new DataValidationException(blobName, null, "the file is empty; expected the header " + string.Join(',', CsvColumns));
        }

        var columns = header.Split(',').Select(c => c.Trim()).ToArray();
        if (!columns.SequenceEqual(CsvColumns, StringComparer.OrdinalIgnoreCase))
        {
            var missing = CsvColumns.Except(columns, StringComparer.OrdinalIgnoreCase).ToArray();
            var detail = missing.Length > 0 ? $"missing column(s) {string.Join(", ", missing)}" : "columns are out of order or extra";
            throw new DataValidationException(blobName, null, $"header does not match ({detail}); expected {string.Join(',', CsvColumns)}");
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

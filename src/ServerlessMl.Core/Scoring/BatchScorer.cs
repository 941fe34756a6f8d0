using System.Collections.Concurrent;
using Microsoft.ML;
using ServerlessMl.Definitions;

namespace ServerlessMl.Scoring;

/// <summary>Scores a scoring drop of one precomputed model in bulk, whatever its types.</summary>
internal interface IBatchScorer
{
    /// <summary>How the model's scoring drops are written.</summary>
    DataFormat Format { get; }

    /// <summary>The names of the answer fields each scored row carries.</summary>
    IReadOnlyList<string> FieldNames { get; }

    /// <summary>True when the model gives each row its own day (its keys are timestamps), so a key names its partition.</summary>
    bool RowsHaveDays { get; }

    /// <summary>
    /// Every row of the file after the first <paramref name="skipRows"/>, in file order: scored, or
    /// with the problem that kept it from being scored. Reads the file as it goes, so memory does
    /// not grow with its length; throws <see cref="DataValidationException"/> when the file itself
    /// cannot be read (encoding, header).
    /// </summary>
    IEnumerable<ScoringItem> Score(ITransformer model, string localPath, string blobName, DateOnly dropDay, long skipRows);
}

/// <summary>One row of a scoring drop: its key, its day and its answer's fields; or why it was not scored.</summary>
internal readonly record struct ScoringItem(long Row, string? Key, DateOnly Day, object[]? Fields, string? Problem);

/// <summary>
/// The batch path: the drop's rows are checked, keyed and featurized by the model's
/// <see cref="IPrecomputed{TInput, TFeatures}"/>, streamed through ML.NET's <c>Transform</c>, and read
/// back with one cursor, each prediction matched to its row's key in order.
/// </summary>
internal sealed class BatchScorer<TInput, TRequest, TFeatures, TPrediction, TItem> : IBatchScorer
    where TInput : class, new()
    where TFeatures : class, new()
    where TPrediction : class, new()
{
    private readonly IServedModel<TRequest, TFeatures, TPrediction, TItem> _served;
    private readonly IPrecomputed<TInput, TFeatures> _precomputed;
    private readonly RowReader<TInput> _reader;

    public BatchScorer(IServedModel<TRequest, TFeatures, TPrediction, TItem> served)
    {
        _served = served;
        _precomputed = (IPrecomputed<TInput, TFeatures>)served;
        _reader = new RowReader<TInput>(_precomputed.ScoringFormat, new(_ => null, _ => true, _ => null, _ => null));

        // DayOf has a default (the drop's day): a model gives rows their own days by implementing it.
        var contract = typeof(IPrecomputed<TInput, TFeatures>);
        var map = served.GetType().GetInterfaceMap(contract);
        var dayOf = Array.FindIndex(map.InterfaceMethods, m => m.Name == nameof(IPrecomputed<TInput, TFeatures>.DayOf));
        RowsHaveDays = map.TargetMethods[dayOf].DeclaringType != contract;
    }

    public bool RowsHaveDays { get; }

    public DataFormat Format => _precomputed.ScoringFormat;

    public IReadOnlyList<string> FieldNames => _served.FieldNames;

    public IEnumerable<ScoringItem> Score(ITransformer model, string localPath, string blobName, DateOnly dropDay, long skipRows)
    {
        ArgumentNullException.ThrowIfNull(model);

        // Rows in file order, each good one waiting for its prediction: the predictions come back
        // in the order ML.NET pulled the features below. On a long drop ML.NET pulls them ahead,
        // on a thread of its own, while this one dequeues: hence a queue safe for both at once.
        var ml = new MLContext();
        var pending = new ConcurrentQueue<ScoringItem>();
        var rows = _reader.Rows(ml, localPath, blobName);
        var scored = model.Transform(ml.Data.LoadFromEnumerable(Features(rows, dropDay, skipRows, pending)));
        foreach (var prediction in ml.Data.CreateEnumerable<TPrediction>(scored, reuseRowObject: true))
        {
            while (pending.TryPeek(out var early) && early.Problem is not null)
            {
                pending.TryDequeue(out var refused);
                yield return refused;
            }

            if (!pending.TryDequeue(out var row))
            {
                throw new InvalidOperationException($"ML.NET returned more predictions than {blobName} has rows.");
            }

            yield return row with { Fields = _served.Fields(_served.ToItem(prediction)) };
        }

        while (pending.TryDequeue(out var late))
        {
            yield return late;
        }
    }

    private IEnumerable<TFeatures> Features(IEnumerable<TInput> rows, DateOnly dropDay, long skipRows, ConcurrentQueue<ScoringItem> pending)
    {
        long number = 0;
        foreach (var input in rows)
        {
            if (++number <= skipRows)
            {
                continue;
            }

            var (item, features) = Read(input, number, dropDay);
            pending.Enqueue(item);
            if (features is not null)
            {
                yield return features;
            }
        }
    }

    private (ScoringItem Item, TFeatures? Features) Read(TInput input, long number, DateOnly dropDay)
    {
        try
        {
            if (_precomputed.CheckInput(input) is { } problem)
            {
                return (new ScoringItem(number, null, dropDay, null, problem), null);
            }

            var key = _precomputed.KeyOf(input);
            if (PredictionTable.KeyProblem(key) is { } keyProblem)
            {
                return (new ScoringItem(number, null, dropDay, null, keyProblem), null);
            }

            return (new ScoringItem(number, key, _precomputed.DayOf(input) ?? dropDay, null, null), _precomputed.FromInput(input));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or OverflowException)
        {
            // The model's own code could not make sense of a row its check let through: that row, not the drop.
            return (new ScoringItem(number, null, dropDay, null, $"the model could not read the row: {ex.Message}"), null);
        }
    }
}

/// <summary>Makes the batch scorer of a model that implements <see cref="IPrecomputed{TInput, TFeatures}"/>; null for one that does not.</summary>
internal sealed class BatchScorerFactory : IServingVisitor<IBatchScorer?>
{
    public static IBatchScorer? For(IModelDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return definition.Accept(new BatchScorerFactory());
    }

    public IBatchScorer? Visit<TRequest, TFeatures, TPrediction, TItem>(IServedModel<TRequest, TFeatures, TPrediction, TItem> model)
        where TRequest : class
        where TFeatures : class, new()
        where TPrediction : class, new()
    {
        // The input type is the model's own choice, so it is read off the interface it implements.
        var contract = model.GetType().GetInterfaces().FirstOrDefault(i =>
            i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IPrecomputed<,>) && i.GetGenericArguments()[1] == typeof(TFeatures));
        if (contract is null)
        {
            return null;
        }

        var scorer = typeof(BatchScorer<,,,,>).MakeGenericType(contract.GetGenericArguments()[0], typeof(TRequest), typeof(TFeatures), typeof(TPrediction), typeof(TItem));
        return (IBatchScorer)Activator.CreateInstance(scorer, model)!;
    }
}

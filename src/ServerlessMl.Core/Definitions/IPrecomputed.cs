namespace ServerlessMl.Definitions;

/// <summary>
/// Opt-in: the model can be precomputed. Rows to score arrive as scoring drops
/// (<c>scoring-input/&lt;model&gt;/YYYY/MM/DD[-name].&lt;ext&gt;</c>) in <see cref="ScoringFormat"/>;
/// each is checked, identified and featurized here, scored in bulk by the champion, and stored
/// under its key in the predictions table.
/// </summary>
/// <typeparam name="TInput">One row of a scoring drop, with ML.NET <c>LoadColumn</c> attributes: the
/// model's data row without its label.</typeparam>
/// <typeparam name="TFeatures">The model's input type.</typeparam>
public interface IPrecomputed<TInput, TFeatures>
    where TInput : class, new()
{
    /// <summary>How a scoring drop is written (its extension, separator and header).</summary>
    DataFormat ScoringFormat { get; }

    /// <summary>What is wrong with a row, which is then listed in the run's record and not scored; null when it is fine.</summary>
    string? CheckInput(TInput input);

    /// <summary>
    /// What identifies the row (e.g. its hour, or an id column): the key its prediction is stored
    /// and read under. A later row with the same key, in this drop or another, replaces it.
    /// </summary>
    string KeyOf(TInput input);

    /// <summary>
    /// The day the row belongs to, which names the table partition it is stored in; null: the
    /// drop's day. Models whose keys are timestamps give the row's own day, so a newer forecast of
    /// the same hour replaces the older one.
    /// </summary>
    DateOnly? DayOf(TInput input) => null;

    TFeatures FromInput(TInput input);
}

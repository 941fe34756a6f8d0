namespace ServerlessMl.Definitions;

/// <summary>
/// Opt-in: the truth of a served prediction arrives later in the model's own data drops (a
/// forecast hour's count in the next daily drop, a message's label in a labelled drop). The live
/// quality job finds a logged request's truth by the key given here: a data row with the same key
/// holds it. Truth given through the feedback route needs no opt-in: it names the request id.
/// </summary>
/// <typeparam name="TRow">One data row.</typeparam>
/// <typeparam name="TRequest">One prediction request.</typeparam>
public interface ILiveTruth<TRow, TRequest>
{
    /// <summary>What the request asks about (e.g. its local hour); null when no data row can answer it.</summary>
    string? TruthKeyOf(TRequest request);

    /// <summary>What the row answers (its key in the same form as <see cref="TruthKeyOf(TRequest)"/>); null for none.</summary>
    string? TruthKeyOf(TRow row);
}

using Microsoft.ML;
using ServerlessMl.Definitions;
using ServerlessMl.Scoring;

namespace ServerlessMl.Cli.Score;

/// <summary>What scoring some files came to: rows scored and refused, the first refused rows, and the files that could not be read.</summary>
internal sealed class ScoreTally
{
    /// <summary>Refused rows listed by file and row; the rest are counted.</summary>
    public const int ListedRefused = 20;

    public long Scored { get; set; }

    public long Refused { get; set; }

    public List<RefusedRow> FirstRefused { get; } = [];

    /// <summary>Why each file that could not be read at all was not (its name first).</summary>
    public List<string> Unreadable { get; } = [];

    /// <summary>Rows read so far, scored or refused: what progress counts.</summary>
    public long Rows => Scored + Refused;
}

/// <summary>
/// Scores files offline with one model, as the precompute job scores a drop: the model's
/// <see cref="IBatchScorer"/> reads, checks, keys and scores each row, and each scored row goes
/// straight to the writer. A refused row is counted and the file goes on; a file that cannot be read
/// at all is noted and the next one is scored.
/// </summary>
internal sealed class FileScoring(IBatchScorer scorer, ITransformer model, string version, ScoreWriter writer)
{
    /// <param name="progress">Called with <see cref="ScoreTally.Rows"/> every few thousand rows.</param>
    public void Score(ScoreInput input, ScoreTally tally, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(tally);
        var first = true;
        try
        {
            using var items = scorer.Score(model, input.Path, input.Name, input.Day, skipRows: 0).GetEnumerator();
            while (Next(items, input, first))
            {
                first = false;
                var item = items.Current;
                if (item.Problem is { } problem)
                {
                    tally.Refused++;
                    if (tally.FirstRefused.Count < ScoreTally.ListedRefused)
                    {
                        tally.FirstRefused.Add(new RefusedRow(input.Name, item.Row, problem));
                    }
                }
                else
                {
                    writer.Write(item.Key!, item.Day, version, item.Fields!, input.Name, item.Row);
                    tally.Scored++;
                }

                if (progress is not null && tally.Rows % 4096 == 0)
                {
                    progress(tally.Rows);
                }
            }
        }
        catch (DataValidationException ex)
        {
            tally.Unreadable.Add(ex.Message);
        }
    }

    // A model.zip of another model fails on the first row, when ML.NET matches its columns to the rows'.
    private bool Next(IEnumerator<ScoringItem> items, ScoreInput input, bool first)
    {
        try
        {
            return items.MoveNext();
        }
        catch (Exception ex) when (first && ex is ArgumentOutOfRangeException or InvalidOperationException)
        {
            throw new CliException($"the model cannot score {input.Name}: {ex.Message}; it looks like a model of another kind: check that --zip is a model of --model");
        }
    }
}

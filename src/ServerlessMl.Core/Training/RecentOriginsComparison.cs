using Microsoft.ML;
using ServerlessMl.Definitions;
using ServerlessMl.Registry;

namespace ServerlessMl.Training;

/// <summary>
/// The champion comparison as a small backtest over the newest days: at each of them, as a
/// single-day origin, the candidate's recipe fitted on every day before it against the version
/// that was serving then (the newest version that passed its gate with data ending before that
/// day), both scored on that day. Pooled over the origins, it rests on several days instead of
/// the one new day the champion has not seen. Days that would only tie are left out.
/// </summary>
internal static class RecentOriginsComparison
{
    /// <returns>null when no origin has a version trained before it that this app can load.</returns>
    public static async Task<ChampionComparison?> RunAsync(
        ModelTrainer trainer,
        IModelDefinition definition,
        IReadOnlyList<DataFile> files,
        IReadOnlyList<ModelManifest> versions,
        string championVersion,
        int originDays,
        Func<string, CancellationToken, Task<ITransformer?>> load,
        CancellationToken cancellationToken)
    {
        var days = files.OrderBy(f => f.Day).ToList();
        var servable = versions
            .Where(v => v.Defect(v.Model, v.Version) is null && v.Gate.Passed && v.InputSchemaHash == definition.InputSchemaHash)
            .OrderByDescending(v => v.Data.LastDay)
            .ThenByDescending(v => v.Version, StringComparer.Ordinal)
            .ToList();
        var candidateRows = new List<Reporting.ScoredRow>();
        var servedRows = new List<Reporting.ScoredRow>();
        var origins = new List<DateOnly>();
        var servedBy = new SortedSet<string>(StringComparer.Ordinal);
        var models = new Dictionary<string, ITransformer?>(StringComparer.Ordinal);
        foreach (var origin in days.Skip(Math.Max(0, days.Count - originDays)))
        {
            var served = servable.FirstOrDefault(v => v.Data.LastDay < origin.Day);
            var history = days.Where(d => d.Day < origin.Day).ToList();

            // A day whose serving version this recipe would fit again from the same days adds a
            // tie, not evidence: no fit, and its rows stay out of both sides.
            if (served is null || history.Count == 0 || TrainingLineage.WouldRebuild(served, definition, history, byDays: true))
            {
                continue;
            }

            if (!models.TryGetValue(served.Version, out var servedModel))
            {
                servedModel = models[served.Version] = await load(served.Version, cancellationToken);
            }

            if (servedModel is null)
            {
                continue;
            }

            candidateRows.AddRange(trainer.ScoreRows(trainer.Fit(history), [origin]));
            servedRows.AddRange(trainer.ScoreRows(servedModel, [origin]));
            origins.Add(origin.Day);
            servedBy.Add(served.Version);
        }

        return origins.Count == 0
            ? null
            : new ChampionComparison(championVersion, new DayRange(origins.Min(), origins.Max(), origins.Count), definition.Metrics(candidateRows), definition.Metrics(servedRows))
            {
                ServedBy = [.. servedBy],
            };
    }
}

using System.Globalization;
using Microsoft.AspNetCore.Http;
using ServerlessMl.Scoring;

namespace ServerlessMl.Http;

/// <summary>
/// The query of a range read: <c>from</c> and <c>to</c> (keys that start with their day, e.g.
/// <c>2012-12-31T05:00</c>; a bare day means that whole day), <c>limit</c> and <c>continuation</c>.
/// </summary>
internal sealed record RangeQuery((DateOnly Day, string Key) From, (DateOnly Day, string Key) To, int PageSize, string? Continuation, string? Problem)
{
    public const int DefaultPageSize = 100;

    public static RangeQuery Parse(IQueryCollection query, int maxDays, int maxPageSize)
    {
        ArgumentNullException.ThrowIfNull(query);
        var from = Bound(query, "from", end: false);
        var to = Bound(query, "to", end: true);
        var pageSize = DefaultPageSize;
        var problem = from.Problem ?? to.Problem;
        if (problem is null && string.CompareOrdinal(from.Key, to.Key) > 0)
        {
            problem = $"'from' ({from.Key}) is after 'to' ({to.Key}).";
        }
        else if (problem is null && to.Day.DayNumber - from.Day.DayNumber >= maxDays)
        {
            problem = $"The range spans {to.Day.DayNumber - from.Day.DayNumber + 1} days; one request reads at most {maxDays}.";
        }

        if (problem is null && query.TryGetValue("limit", out var limit)
            && (!int.TryParse(limit.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1 || pageSize > maxPageSize))
        {
            problem = $"Query parameter 'limit' must be a whole number from 1 to {maxPageSize}, got '{limit}'.";
        }

        var continuation = query.TryGetValue("continuation", out var token) ? token.ToString() : null;
        return new RangeQuery((from.Day, from.Key), (to.Day, to.Key), pageSize, string.IsNullOrEmpty(continuation) ? null : continuation, problem);
    }

    private static (DateOnly Day, string Key, string? Problem) Bound(IQueryCollection query, string name, bool end)
    {
        if (!query.TryGetValue(name, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
        {
            return (default, "", $"Query parameter '{name}' is required: a key that starts with its day (yyyy-MM-dd…), or a day.");
        }

        var text = values.ToString().Trim();
        if (PredictionTable.DayIn(text) is not { } day || text.Length > PredictionTable.MaxKeyLength)
        {
            return (default, "", $"Query parameter '{name}' must start with a day in the form yyyy-MM-dd, got '{text}'.");
        }

        // A bare day covers the whole day: "~" sorts after every character a key of that day goes on with, escaped or not.
        return (day, text.Length == 10 && end ? text + "~" : text, null);
    }
}

using System.Globalization;
using System.Net;
using System.Text;
using ServerlessMl.Definitions;

namespace ServerlessMl.Cli.Report;

/// <summary>Writes the report's folder: index.html and the pictures it shows, nothing fetched from elsewhere.</summary>
internal static class ReportPage
{
    public static string Write(ModelReport report, string folder)
    {
        Directory.CreateDirectory(folder);
        var m = report.Manifest;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>{E(m.Model)} {E(m.Version)}: model report</title>
            <style>
            body {"{"} font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 980px; color: #222; {"}"}
            table {"{"} border-collapse: collapse; margin: .5rem 0 1.5rem; {"}"}
            th, td {"{"} border: 1px solid #ccc; padding: .25rem .6rem; text-align: right; {"}"}
            th:first-child, td:first-child {"{"} text-align: left; {"}"}
            .this {"{"} background: #eef5ff; font-weight: 600; {"}"}
            .passed {"{"} color: #176b2c; {"}"} .rejected {"{"} color: #a3161b; {"}"}
            img {"{"} max-width: 100%; border: 1px solid #ddd; margin: .5rem 0 1rem; {"}"}
            code {"{"} background: #f4f4f4; padding: 0 .2rem; {"}"}
            </style></head><body>
            <h1>{E(m.Model)} version {E(m.Version)}</h1>
            <p>{E(report.Definition.Description)} Task: {E(m.Task)}. Trainer: <code>{E(m.Trainer.Name)}</code>.
            Created {m.CreatedUtc:yyyy-MM-dd HH:mm} UTC with ML.NET {E(m.MlNetVersion)}{(report.Champion == m.Version ? "; <strong>the champion</strong>" : $"; the champion is {E(report.Champion ?? "none")}")}.</p>
            """);

        Gate(html, report);
        Metrics(html, report);
        Data(html, report);
        Plots(html, report, folder);
        LiveSection.Write(html, report.Live, folder);
        html.Append("</body></html>\n");
        var path = Path.Combine(folder, "index.html");
        File.WriteAllText(path, html.ToString());
        return path;
    }

    private static void Gate(StringBuilder html, ModelReport report)
    {
        var gate = report.Manifest.Gate;
        html.Append(CultureInfo.InvariantCulture, $"<h2>Gate: <span class=\"{(gate.Passed ? "passed" : "rejected")}\">{(gate.Passed ? "passed" : "rejected")}</span></h2><ul>");
        foreach (var reason in gate.Reasons)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li>{E(reason)}</li>");
        }

        html.Append("</ul>");
        if (report.Manifest.Comparison is { } comparison)
        {
            var servedBy = comparison.ServedBy is { Count: > 1 } served ? $"; each day scored by the version serving then: {E(string.Join(", ", served))}" : string.Empty;
            html.Append(CultureInfo.InvariantCulture, $"<p>Compared with champion {E(comparison.ChampionVersion)} on the same {comparison.Candidate.Rows:N0} rows ({comparison.Window.FirstDay:yyyy-MM-dd} to {comparison.Window.LastDay:yyyy-MM-dd}, {comparison.Window.Days} day(s){servedBy}):</p>");
            MetricTable(html, ["candidate", "champion"], [comparison.Candidate, comparison.Champion], null);
        }
        else
        {
            html.Append("<p>No champion comparison: the floor alone decided (the reasons say why).</p>");
        }
    }

    private static void Metrics(StringBuilder html, ModelReport report)
    {
        html.Append(CultureInfo.InvariantCulture, $"<h2>Metrics on the held-out rows, this version and the others</h2><p>Held out: {E(report.Manifest.Holdout ?? $"the newest {report.Manifest.ValidationWindow.Days} day(s)")}. Re-scored for this report by retraining without them: ");
        var same = report.Rescored.Values.All(kv => report.Manifest.Metrics.Values.TryGetValue(kv.Key, out var v) && Math.Abs(v - kv.Value) <= 1e-6 * Math.Max(1, Math.Abs(v)));
        html.Append(same ? "the same numbers as the manifest, so the plots below are of the model the gate judged.</p>" : "the numbers differ from the manifest (shown first); the plots are of the re-scored model.</p>");
        var history = report.History.OrderBy(v => v.Version, StringComparer.Ordinal).ToList();
        MetricTable(html, [.. history.Select(v => v.Version), .. same ? Array.Empty<string>() : ["re-scored"]], [.. history.Select(v => v.Metrics), .. same ? [] : new[] { report.Rescored }], report.Manifest.Version, history.Select(v => v.Gate.Passed).ToList());
    }

    private static void MetricTable(StringBuilder html, IReadOnlyList<string> labels, IReadOnlyList<QualityMetrics> metrics, string? highlight, IReadOnlyList<bool>? passed = null)
    {
        var names = metrics.SelectMany(x => x.Values.Keys).Distinct(StringComparer.Ordinal).ToList();
        html.Append("<table><tr><th></th>");
        foreach (var name in names)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{E(name)}</th>");
        }

        html.Append(passed is null ? "<th>rows</th></tr>" : "<th>rows</th><th>gate</th></tr>");
        for (var i = 0; i < labels.Count; i++)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr{(labels[i] == highlight ? " class=\"this\"" : string.Empty)}><td>{E(labels[i])}</td>");
            foreach (var name in names)
            {
                html.Append(metrics[i].Values.TryGetValue(name, out var value) ? string.Create(CultureInfo.InvariantCulture, $"<td>{value:F4}</td>") : "<td></td>");
            }

            html.Append(CultureInfo.InvariantCulture, $"<td>{metrics[i].Rows:N0}</td>");
            if (passed is not null)
            {
                html.Append(i < passed.Count ? (passed[i] ? "<td class=\"passed\">passed</td>" : "<td class=\"rejected\">rejected</td>") : "<td></td>");
            }

            html.Append("</tr>");
        }

        html.Append("</table>");
    }

    private static void Data(StringBuilder html, ModelReport report)
    {
        var data = report.Manifest.Data;
        html.Append(CultureInfo.InvariantCulture, $"""
            <h2>Data snapshot</h2>
            <p>{data.Blobs.Count:N0} drop(s), {data.Rows:N0} rows, {data.FirstDay:yyyy-MM-dd} to {data.LastDay:yyyy-MM-dd}; content hash <code>{E(data.ContentHash[..Math.Min(16, data.ContentHash.Length)])}…</code>.
            Validation window {report.Manifest.ValidationWindow.FirstDay:yyyy-MM-dd} to {report.Manifest.ValidationWindow.LastDay:yyyy-MM-dd}.
            The published model.zip was {(report.Manifest.RefitOnAllData ? "refit on every drop after the gate passed" : "the model trained without the held-out rows")}.</p>
            """);
    }

    private static void Plots(StringBuilder html, ModelReport report, string folder)
    {
        var rows = report.Scores.Rows;
        html.Append("<h2>Plots</h2>");
        if (report.IsClassifier)
        {
            var (threshold, positive, negative) = report.Classes;
            var (roc, pr) = ClassifierCurves.Of(rows);
            Image(html, ReportPlots.Roc(folder, roc, report.Rescored.Values.GetValueOrDefault(MetricNames.Auc)), "ROC curve");
            Image(html, ReportPlots.PrecisionRecall(folder, pr), "precision-recall curve");
            var (tp, fp, fn, tn) = ClassifierCurves.Confusion(rows, threshold);
            html.Append(CultureInfo.InvariantCulture, $"""
                <h3>Confusion matrix at the served threshold {threshold:F2}</h3>
                <table><tr><th>actual \ predicted</th><th>{E(positive)}</th><th>{E(negative)}</th></tr>
                <tr><td>{E(positive)}</td><td>{tp:N0}</td><td>{fn:N0}</td></tr>
                <tr><td>{E(negative)}</td><td>{fp:N0}</td><td>{tn:N0}</td></tr></table>
                """);
        }
        else
        {
            const string unit = "label units";
            Image(html, ReportPlots.PredictedAgainstActual(folder, report.Scores, unit), "predicted against actual");
            for (var g = 0; g < report.Scores.GroupNames.Count; g++)
            {
                Image(html, ReportPlots.ResidualsBy(folder, report.Scores, g, unit), $"residuals by {report.Scores.GroupNames[g]}");
            }
        }

        if (report.Importance.Features.Count > 0)
        {
            Image(html, ReportPlots.Importance(folder, report.Importance), "feature importance");
        }

        var primary = report.Definition.DefaultGate.FloorMetric;
        var points = report.History.OrderBy(v => v.Version, StringComparer.Ordinal)
            .Where(v => v.Metrics.Values.ContainsKey(primary))
            .Select(v => (v.Version, v.Metrics[primary])).ToList();
        if (points.Count > 1)
        {
            Image(html, ReportPlots.History(folder, points, primary, report.Manifest.Version), $"{primary} by version");
        }
    }

    internal static void Image(StringBuilder html, string file, string alt) =>
        html.Append(CultureInfo.InvariantCulture, $"<img src=\"{E(file)}\" alt=\"{E(alt)}\">\n");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}

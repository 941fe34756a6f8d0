using System.Globalization;
using ServerlessMl.Cli.Commands;
using ServerlessMl.Models.BikeDemand;
using ServerlessMl.Models.SmsSpam;
using Spectre.Console;

namespace ServerlessMl.Cli.Score;

/// <summary>
/// `data generate --scoring`: one synthetic scoring drop of a shipped model, for trying the
/// precompute path without real forecasts or messages.
/// </summary>
internal static class SyntheticDrop
{
    private static readonly string[] HourFormats = ["yyyy-MM-dd'T'HH", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"];

    /// <summary>What is wrong with the options of a scoring drop, or null.</summary>
    public static string? Problem(DataGenerateCommand.Settings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var bike = settings.Model == BikeDemandModel.ModelName;
        return settings.Start is not null || settings.Days is not null || settings.Scale is not null
                ? "--start, --days and --scale are for daily training files; a scoring drop takes --from and --hours (bike-demand) or --count (sms-spam)"
            : settings.Model is null
                ? "--scoring needs --model bike-demand or --model sms-spam"
            : !bike && settings.Model != SmsSpamModel.ModelName
                ? $"--scoring writes drops of bike-demand or sms-spam, not '{settings.Model}'"
            : string.IsNullOrEmpty(settings.Output)
                ? "--scoring needs --output FILE: the drop's file"
            : bike && settings.Count is not null
                ? "--count is for sms-spam; a bike-demand drop takes --from and --hours"
            : bike && settings.From is null
                ? "--scoring --model bike-demand needs --from yyyy-MM-ddTHH: the first forecast hour"
            : bike && !TryParseHour(settings.From!, out _)
                ? $"--from '{settings.From}' is not an hour yyyy-MM-ddTHH (e.g. 2011-05-02T00)"
            : bike && settings.Hours is < 1 or > 87600
                ? "--hours must be from 1 to 87600"
            : !bike && (settings.From is not null || settings.Hours is not null)
                ? "--from and --hours are for bike-demand; an sms-spam drop takes --count"
            : !bike && settings.Count is < 1 or > 1_000_000
                ? "--count must be from 1 to 1000000"
            : null;
    }

    public static int Write(DataGenerateCommand.Settings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var path = Arguments.OutputPath.Require("--output", settings.Output!, folder: false);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (settings.Model == BikeDemandModel.ModelName)
        {
            TryParseHour(settings.From!, out var first);
            var hours = settings.Hours ?? 48;
            SyntheticBikeData.WriteForecast(path, first, hours, settings.Seed);
            Ui.Err.MarkupLineInterpolated($"[green]Wrote a synthetic bike-demand forecast[/] of {hours} hour(s) from {first:yyyy-MM-dd'T'HH}:00 to {path} (seed {settings.Seed}).");
        }
        else
        {
            var count = settings.Count ?? 200;
            SyntheticSmsData.WriteScoringDrop(path, count, settings.Seed);
            Ui.Err.MarkupLineInterpolated($"[green]Wrote {count} synthetic sms-spam messages[/] (msg-000001 on) to {path} (seed {settings.Seed}).");
        }

        return 0;
    }

    private static bool TryParseHour(string text, out DateTime hour) =>
        DateTime.TryParseExact(text, HourFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out hour)
        && hour.Minute == 0;
}

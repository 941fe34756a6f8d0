using ServerlessMl.Definitions;
using System.Globalization;
using System.Text;

namespace ServerlessMl.Models.BikeDemand;

/// <summary>
/// Synthetic daily files in the UCI <c>hour.csv</c> layout, for demos and tests. Not real data:
/// a seeded simulation with a seasonal climate, persistent weather, working-day commute peaks
/// and leisure-shaped days off, a comfort curve for temperature, rain penalties, holidays,
/// growth of the service over time and count noise.
/// </summary>
public sealed class SyntheticBikeData(int seed = 42)
{
    private readonly Random _random = new(seed);
    private double _tempAnomaly;
    private int _weather = 1;
    private long _instant;

    /// <summary>Writes one file per day, named <c>YYYY-MM-DD.csv</c>, into <paramref name="folder"/>.</summary>
    public IReadOnlyList<string> WriteDays(string folder, DateOnly first, int days, double volumeScale = 1.0)
    {
        Directory.CreateDirectory(folder);
        var paths = new List<string>(days);
        for (var i = 0; i < days; i++)
        {
            var day = first.AddDays(i);
            var path = Path.Combine(folder, $"{day:yyyy-MM-dd}.csv");
            File.WriteAllText(path, Day(day, first, volumeScale), new UTF8Encoding(false));
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>One day's CSV text: the header and 24 hourly rows.</summary>
    public string Day(DateOnly day, DateOnly start, double volumeScale = 1.0)
    {
        var text = new StringBuilder();
        text.Append(string.Join(',', BikeHourRow.Columns)).Append('\n');
        var working = IsWorkingDay(day);
        var seasonal = NextDay(day);
        var years = (day.DayNumber - start.DayNumber) / 365.25;
        var level = volumeScale * 260 * (1 + (0.6 * years)); // the service grows ~60 % a year

        for (var hour = 0; hour < 24; hour++)
        {
            var weather = NextHour(hour, seasonal);
            var profile = working ? WorkingDayProfile(hour) : DayOffProfile(hour);
            var comfort = Math.Exp(-Math.Pow((weather.FeelsLikeC - 26) / 14, 2));
            var rain = weather.Category switch { 1 => 1.0, 2 => 0.85, 3 => 0.4, _ => 0.12 };
            var humid = weather.Humidity > 80 ? 0.85 : 1.0;
            var expected = level * profile * (0.25 + (0.9 * comfort)) * rain * humid;
            var count = Math.Max(0, (int)Math.Round(expected * Math.Exp(Normal() * 0.15)));
            var casualShare = (working ? 0.12 : 0.4) * (0.5 + comfort);
            var casual = (int)Math.Round(count * Math.Clamp(casualShare, 0, 0.9));

            AppendHour(text, day, hour, weather).Append(CultureInfo.InvariantCulture, $",{casual},{count - casual},{count}\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// Writes a scoring drop to <paramref name="path"/>: the header and <paramref name="hours"/>
    /// hourly rows from <paramref name="firstHour"/> (local, on the hour) in the <c>hour.csv</c>
    /// layout without labels, the simulated weather standing in for a forecast.
    /// </summary>
    public static void WriteForecast(string path, DateTime firstHour, int hours, int seed = 42)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hours);
        if (firstHour.TimeOfDay.Ticks % TimeSpan.TicksPerHour != 0)
        {
            throw new ArgumentException($"the first hour must be on the hour, got {firstHour:O}", nameof(firstHour));
        }

        var generator = new SyntheticBikeData(seed);
        var text = new StringBuilder();
        text.Append(string.Join(',', BikeForecastRow.Columns)).Append('\n');
        var seasonal = 0.0;
        for (var i = 0; i < hours; i++)
        {
            var hour = firstHour.AddHours(i);
            var day = DateOnly.FromDateTime(hour);
            if (i == 0 || hour.Hour == 0)
            {
                seasonal = generator.NextDay(day);
            }

            generator.AppendHour(text, day, hour.Hour, generator.NextHour(hour.Hour, seasonal)).Append('\n');
        }

        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
    }

    private static bool IsWorkingDay(DateOnly day) =>
        day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !DcHolidayCalendar.IsHoliday(day);

    /// <summary>Moves the weather on to a new day: its anomaly, and the season's place (-1 mid-January, +1 mid-July).</summary>
    private double NextDay(DateOnly day)
    {
        _tempAnomaly = (0.7 * _tempAnomaly) + (Normal() * 2.5);
        return -Math.Cos(2 * Math.PI * (day.DayOfYear - 20) / 365.25);
    }

    private HourWeather NextHour(int hour, double seasonal)
    {
        _weather = NextWeather(_weather);
        var tempC = Math.Clamp(14 + (11 * seasonal) + _tempAnomaly + (4 * Math.Sin(2 * Math.PI * (hour - 9) / 24)) - (_weather >= 3 ? 2 : 0), -5, 39);
        var humidity = Math.Clamp(62 - (12 * Math.Sin(2 * Math.PI * (hour - 9) / 24)) + (_weather * 7) + (Normal() * 6), 15, 100);
        var windKmh = Math.Clamp(12 + (Normal() * 6) + (_weather >= 3 ? 8 : 0), 0, 60);
        var feelsLike = tempC < 10 ? tempC - (windKmh / 10) : tempC > 24 ? tempC + ((humidity - 40) / 20) : tempC;
        return new HourWeather(_weather, tempC, feelsLike, humidity, windKmh);
    }

    /// <summary>The columns every row has, instant to windspeed, without a line end.</summary>
    private StringBuilder AppendHour(StringBuilder text, DateOnly day, int hour, HourWeather weather)
    {
        _instant++;
        var holiday = DcHolidayCalendar.IsHoliday(day);
        return text.Append(CultureInfo.InvariantCulture, $"{_instant},{day:yyyy-MM-dd},{Season(day)},{(day.Year - 2011 < 0 ? 0 : Math.Min(day.Year - 2011, 1))},{day.Month},{hour},{(holiday ? 1 : 0)},{(int)day.DayOfWeek},{(IsWorkingDay(day) ? 1 : 0)},{weather.Category},")
            .Append(CultureInfo.InvariantCulture, $"{Round(weather.TemperatureC / BikeHourRow.TempScale)},{Round(Math.Clamp(weather.FeelsLikeC, 0, 50) / BikeHourRow.AtempScale)},{Round(weather.Humidity / BikeHourRow.HumScale)},{Round(weather.WindSpeedKmh / BikeHourRow.WindScale)}");
    }

    // Commute peaks at 08:00 and 17:00-18:00 on working days.
    private static double WorkingDayProfile(int hour) => hour switch
    {
        < 5 => 0.05 + (0.02 * (5 - hour)),
        5 => 0.12,
        6 => 0.45,
        7 => 1.3,
        8 => 2.1,
        9 => 1.0,
        < 16 => 0.7,
        16 => 1.2,
        17 => 2.4,
        18 => 2.2,
        19 => 1.3,
        20 => 0.9,
        21 => 0.6,
        22 => 0.45,
        _ => 0.25,
    };

    // One broad early-afternoon hump on weekends and holidays.
    private static double DayOffProfile(int hour) =>
        hour < 6 ? 0.15 + (hour < 3 ? 0.1 : 0) : 0.1 + (1.6 * Math.Exp(-Math.Pow((hour - 14) / 3.8, 2)));

    private int NextWeather(int current)
    {
        // Weather persists for hours: mostly stay, sometimes drift one step.
        var roll = _random.NextDouble();
        return current switch
        {
            1 => roll < 0.93 ? 1 : 2,
            2 => roll < 0.10 ? 1 : roll < 0.93 ? 2 : 3,
            3 => roll < 0.25 ? 2 : roll < 0.97 ? 3 : 4,
            _ => roll < 0.5 ? 3 : 4,
        };
    }

    private static int Season(DateOnly day) => day.Month switch
    {
        12 or 1 or 2 => 1,
        3 or 4 or 5 => 2,
        6 or 7 or 8 => 3,
        _ => 4,
    };

    private static double Round(double value) => Math.Round(Math.Clamp(value, 0, 1), 4);

    private double Normal()
    {
        // Box-Muller: the BCL has no normal sampler.
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private readonly record struct HourWeather(int Category, double TemperatureC, double FeelsLikeC, double Humidity, double WindSpeedKmh);
}

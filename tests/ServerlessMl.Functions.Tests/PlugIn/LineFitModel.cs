using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Data;
using ServerlessMl.Definitions;

namespace ServerlessMl.Functions.Tests.PlugIn;

/// <summary>
/// A model declared outside the app, as a user would write one: daily CSV drops of
/// <c>day,x,y</c> with y close to 3x + 7, a request <c>{"x": …}</c>, a linear regression.
/// Nothing in Core or the shipped models knows it.
/// </summary>
public class LineFitModel : RegressionModel<LineRow, LineRequest, LineFeatures>
{
    public const string ModelName = "line-fit";

    private const float LabelScale = 100f;

    public override string Name => ModelName;

    public override string Description => "y from x on a line (a test's own model).";

    public override DataFormat Format { get; } = DataFormat.Csv(["day", "x", "y"], dayColumn: 0);

    public override GateThresholds DefaultGate => new() { Floor = 0.9, MaxRegression = 0.5 };

    public override IEstimator<ITransformer> CreatePipeline(MLContext ml)
    {
        ArgumentNullException.ThrowIfNull(ml);
        return ml.Transforms.Concatenate("Features", nameof(LineFeatures.X))
            .Append(ml.Transforms.NormalizeMinMax("Features"))
            .Append(ml.Regression.Trainers.OnlineGradientDescent(numberOfIterations: 100));
    }

    public override LineFeatures FromRow(LineRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new LineFeatures { X = row.X, Label = row.Y / LabelScale };
    }

    public override LineFeatures FromRequest(LineRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new LineFeatures { X = (float)request.X!.Value };
    }

    // Gradient descent converges on labels near 1; answers and metrics are in y's own units.
    protected override double ToLabelUnits(float value) => value * LabelScale;

    protected override DateOnly? DayOf(LineRow row) =>
        DateOnly.TryParseExact(row.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    protected override string? Check(LineRow row) =>
        DayOf(row) is null ? $"day '{row.Day}' is not a date yyyy-MM-dd"
        : float.IsNaN(row.X) || float.IsNaN(row.Y) ? "x and y must be numbers"
        : null;

    /// <summary>Writes <paramref name="days"/> daily files of 24 rows each into <paramref name="folder"/>.</summary>
    public static void WriteDays(string folder, DateOnly first, int days, int seed = 1)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(seed);
        for (var d = 0; d < days; d++)
        {
            var day = first.AddDays(d);
            var lines = new List<string> { "day,x,y" };
            for (var i = 0; i < 24; i++)
            {
                var x = random.NextDouble() * 100;
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd},{x:F3},{3 * x + 7 + (random.NextDouble() - 0.5):F3}"));
            }

            File.WriteAllLines(Path.Combine(folder, $"{day:yyyy-MM-dd}.csv"), lines);
        }
    }
}

/// <summary>
/// The same model with a trainer that cannot fit a row whose x is <see cref="Poison"/>, standing in
/// for data ML.NET throws on (a diverging optimizer, a column it cannot featurize).
/// </summary>
public sealed class UnfittableLineModel : LineFitModel
{
    public const string UnfittableName = "line-unfittable";

    public const float Poison = 666f;

    public override string Name => UnfittableName;

    public override IEstimator<ITransformer> CreatePipeline(MLContext ml)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var refuse = ml.Transforms.CustomMapping<LineFeatures, LineFeatures>(
            static (input, output) =>
            {
                output.X = input.X == Poison ? throw new ArgumentOutOfRangeException(nameof(input), "The weights contain non-finite values.") : input.X;
                output.Label = input.Label;
            },
            contractName: null);
        return refuse.Append(base.CreatePipeline(ml));
    }
}

public sealed class LineRow
{
    [LoadColumn(0)]
    public string Day { get; set; } = string.Empty;

    [LoadColumn(1)]
    public float X { get; set; }

    [LoadColumn(2)]
    public float Y { get; set; }
}

public sealed class LineRequest
{
    [Required]
    [Range(0.0, 1000.0)]
    [JsonPropertyName("x")]
    public double? X { get; set; }
}

public sealed class LineFeatures
{
    public float X { get; set; }

    public float Label { get; set; }
}

using Microsoft.ML;
using Microsoft.ML.Data;
using ServerlessMl.Definitions;

namespace ServerlessMl.Models.Tests;

/// <summary>
/// Reads a scoring drop's rows as Core reads data files (RowReader's loader options, with the
/// model's scoring format), so the tests see the rows a precompute run would.
/// </summary>
internal static class ScoringDrop
{
    public static List<TInput> Read<TInput>(DataFormat format, string text)
        where TInput : class, new()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, text);
            var ml = new MLContext();
            var loader = ml.Data.CreateTextLoader<TInput>(format.LoaderOptions());
            return [.. ml.Data.CreateEnumerable<TInput>(loader.Load(path), reuseRowObject: false)];
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>What the training check says of one data file's only row (null: nothing).</summary>
    public static string? TrainingProblem(IModelDefinition model, string text, string blob, DateOnly day)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, text);
            model.ValidateFile(new MLContext(), path, blob, day, day);
            return null;
        }
        catch (DataValidationException error)
        {
            Assert.Equal(1, error.Row);
            return error.Problem;
        }
        finally
        {
            File.Delete(path);
        }
    }
}

using ServerlessMl.Models.BikeDemand;

namespace ServerlessMl.Testing;

/// <summary>Synthetic daily files for tests: small, seeded, and in a folder of their own.</summary>
public sealed class SampleData : IDisposable
{
    public static readonly DateOnly FirstDay = new(2011, 1, 1);

    /// <summary>The bike model's file format, which these files are in.</summary>
    public static readonly Definitions.DataFormat Format = new BikeDemandModel().Format;

    public SampleData(int days, int seed = 7)
    {
        Folder = Path.Combine(Path.GetTempPath(), "serverless-ml-tests", Guid.NewGuid().ToString("N"));
        Generator = new SyntheticBikeData(seed);
        Generator.WriteDays(Folder, FirstDay, days);
        Days = days;
    }

    public string Folder { get; }

    public int Days { get; private set; }

    public SyntheticBikeData Generator { get; }

    /// <summary>Adds the next day's file and returns its path.</summary>
    public string AddDay()
    {
        var path = Generator.WriteDays(Folder, FirstDay.AddDays(Days), 1)[0];
        Days++;
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}

namespace ServerlessMl.Testing;

/// <summary>Where things are, found from the test assembly's location.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The real UCI data beside the repository (../shared), which CI has and a clone may not.</summary>
    public static string BikeHourTrain { get; } = Path.GetFullPath(Path.Combine(Root, "..", "shared", "datasets", "bike-sharing", "hour_train.csv"));

    public static string SmsSpamTrain { get; } = Path.GetFullPath(Path.Combine(Root, "..", "shared", "datasets", "sms-spam-collection", "SMSSpamCollection.train"));

    /// <summary>Debug or Release, as this test run was built.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ServerlessMl.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"ServerlessMl.sln not found above {AppContext.BaseDirectory}.");
    }
}

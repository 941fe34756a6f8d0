using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ServerlessMl.Testing;

/// <summary>
/// The app's real service graph on a real Azurite, in containers of its own so tests do not see
/// each other's models. Small holdout windows keep training fast. The storage deadline is far
/// above what a first load needs, so a busy machine cannot turn a load into a 503; a test about
/// the deadline sets its own.
/// </summary>
public sealed class TestApp : IDisposable
{
    private TestApp(ServiceProvider services, string trainingContainer, string modelsContainer)
    {
        Services = services;
        TrainingContainer = trainingContainer;
        ModelsContainer = modelsContainer;
    }

    /// <summary>The storage deadline test apps and test serve processes get unless a test sets one.</summary>
    public const string StorageTimeoutSeconds = "60";

    public ServiceProvider Services { get; }

    public string TrainingContainer { get; }

    public string ModelsContainer { get; }

    public string ScoringContainer { get; private init; } = "";

    public string PredictionsTable { get; private init; } = "";

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public static TestApp Create(
        AzuriteFixture azurite,
        IDictionary<string, string?>? settings = null,
        string? containerSuffix = null,
        Action<IServiceCollection>? configure = null,
        Action<ServerlessMlBuilder>? models = null)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        var suffix = containerSuffix ?? Guid.NewGuid().ToString("N")[..12];
        var values = new Dictionary<string, string?>
        {
            ["ModelStorage"] = azurite.ConnectionString,
            ["ModelStorage:TimeoutSeconds"] = StorageTimeoutSeconds,
            ["ModelStorage:TrainingContainer"] = "training-" + suffix,
            ["ModelStorage:ModelsContainer"] = "models-" + suffix,
            ["Scoring:InputContainer"] = "scoring-" + suffix,
            ["Scoring:PredictionsTable"] = "predictions" + suffix.Replace("-", "", StringComparison.Ordinal),
            ["Training:HoldoutDays"] = "7",
            ["Training:MinTrainingDays"] = "14",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        var builder = services.AddServerlessMl(configuration).AddModel<Models.BikeDemand.BikeDemandModel>();
        models?.Invoke(builder);
        services.AddSingleton<Training.TrainingDataUploader>();
        configure?.Invoke(services);
        return new TestApp(services.BuildServiceProvider(), values["ModelStorage:TrainingContainer"]!, values["ModelStorage:ModelsContainer"]!)
        {
            ScoringContainer = values["Scoring:InputContainer"]!,
            PredictionsTable = values["Scoring:PredictionsTable"]!,
        };
    }

    public void Dispose() => Services.Dispose();
}

using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ServerlessMl.Functions.Triggers;

namespace ServerlessMl.Functions.Tests;

/// <summary>
/// The function app's own composition (<see cref="FunctionAppServices.AddFunctionApp"/>, which
/// Program.cs calls): every function class can be built from it, and a wrong setting of any
/// part stops the host at start with a message naming it.
/// </summary>
public sealed class FunctionAppCompositionTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["RetrainSchedule"] = "0 0 2 * * *",
        ["ModelStorage"] = "UseDevelopmentStorage=true",
    };

    [Fact]
    public void Program_calls_the_composition_under_test()
    {
        var program = File.ReadAllText(Path.Combine(Testing.RepoPaths.Root, "src", "ServerlessMl.Functions", "Program.cs"));

        Assert.Contains(".AddFunctionApp(builder.Configuration)", program, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_function_class_is_built_from_the_apps_services()
    {
        using var host = Build(Valid);
        var functions = typeof(RetrainModel).Assembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
            .ToArray();

        Assert.Equal(7, functions.Length);
        foreach (var type in functions)
        {
            Assert.NotNull(ActivatorUtilities.CreateInstance(host.Services, type));
        }
    }

    [Theory]
    [InlineData("RetrainSchedule", "0 2 * * *", "RetrainSchedule")]
    [InlineData("Training:HoldoutDays", "0", "Training__HoldoutDays")]
    [InlineData("Serving:MaxBatch", "0", "Serving__MaxBatch")]
    [InlineData("Serving:ModelRefreshSeconds", "-1", "Serving__ModelRefreshSeconds")]
    [InlineData("Registry:KeepVersions", "0", "Registry__KeepVersions")]
    [InlineData("ModelStorage:TimeoutSeconds", "0", "ModelStorage__TimeoutSeconds")]
    [InlineData("ModelStorage", "not a connection string", "ModelStorage")]
    [InlineData("Models:bike-demand:MaxBatch", "0", "Models__bike-demand__MaxBatch")]
    [InlineData("Models:bike-demand:MaxBodyBytes", "100", "Models__bike-demand__MaxBodyBytes")]
    [InlineData("Models:sms-spam:MaxEnginesPerModel", "5000", "Models__sms-spam__MaxEnginesPerModel")]
    [InlineData("Models:sms_spam:MaxTextLength", "0", "Models__sms_spam__MaxTextLength")]
    [InlineData("Models:no-such-model:MaxBatch", "5", "not registered")]
    public async Task A_wrong_setting_stops_the_app_at_start_with_a_message_naming_it(string key, string value, string named)
    {
        using var host = Build(new Dictionary<string, string?>(Valid) { [key] = value });

        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_settings_start_the_app()
    {
        // Preloading would reach for storage that is not there; everything else starts as in Azure.
        using var host = Build(new Dictionary<string, string?>(Valid) { ["Serving:PreloadOnStart"] = "false" });

        await host.StartAsync();
        await host.StopAsync();
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddFunctionApp(builder.Configuration);
        return builder.Build();
    }
}

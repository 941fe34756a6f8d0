using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit;

namespace ServerlessMl.Infra.Tests;

/// <summary>
/// The properties the infrastructure must have. Each check throws when the template lacks it;
/// <see cref="InfraTemplateTests"/> runs them on the compiled template and
/// <see cref="ChecksCatchRegressionsTests"/> shows each one fails on a weakened copy.
/// </summary>
public static partial class InfraChecks
{
    public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    public const string StorageBlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    public const string StorageBlobDataReader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";
    public const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    public const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    public const string StorageAccountType = "Microsoft.Storage/storageAccounts";
    public const string ContainerType = "Microsoft.Storage/storageAccounts/blobServices/containers";
    public const string TableType = "Microsoft.Storage/storageAccounts/tableServices/tables";
    public const string RoleAssignmentType = "Microsoft.Authorization/roleAssignments";
    public const string SiteType = "Microsoft.Web/sites";
    public const string PlanType = "Microsoft.Web/serverfarms";
    public const string AppInsightsType = "Microsoft.Insights/components";
    public const string IdentityType = "Microsoft.ManagedIdentity/userAssignedIdentities";

    /// <summary>Strings that betray a storage key, a SAS or a key-based connection string.</summary>
    public static readonly string[] SecretMarkers = ["AccountKey=", "SharedAccessSignature", "listKeys", "DefaultEndpointsProtocol"];

    /// <summary>Settings Flex Consumption rejects or ignores (functionAppConfig replaces them).</summary>
    public static readonly string[] SettingsFlexRejects =
    [
        "FUNCTIONS_WORKER_RUNTIME",
        "FUNCTIONS_EXTENSION_VERSION",
        "FUNCTIONS_WORKER_RUNTIME_VERSION",
        "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_CONTENTSHARE",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
        "SCM_DO_BUILD_DURING_DEPLOYMENT",
    ];

    public static void StorageAccountIsLockedDown(CompiledTemplate template)
    {
        var account = template.SingleDeployed(StorageAccountType);
        AssertLiteral(account, "properties.allowSharedKeyAccess", false);
        AssertLiteral(account, "properties.allowBlobPublicAccess", false);
        AssertLiteral(account, "properties.supportsHttpsTrafficOnly", true);
        AssertLiteral(account, "properties.minimumTlsVersion", "TLS1_2");
    }

    public static void ContainersExistAndArePrivate(CompiledTemplate template)
    {
        var containers = template.Deployed(ContainerType);
        foreach (var expected in new[] { "training-data", "models", "scoring-input", "prediction-log", "feedback", "deployments" })
        {
            var matches = containers.Where(container => container.Resolve("name").EndsWith($"'{expected}')", StringComparison.Ordinal)).ToList();
            Assert.True(matches.Count == 1, $"Expected one blob container '{expected}', found {matches.Count}: {string.Join(" | ", containers.Select(c => c.Resolve("name")))}");
            var publicAccess = matches[0].At("properties.publicAccess");
            Assert.True(publicAccess is null || publicAccess.ToString() == "None", $"Container '{expected}' must not allow public access, has {publicAccess}.");
        }
    }

    /// <summary>The predictions table lives in the account's table service, and the app is told its name.</summary>
    public static void PredictionsTableExistsAndTheAppNamesIt(CompiledTemplate template)
    {
        var tables = template.Deployed(TableType);
        var names = string.Join(" | ", tables.Select(table => table.Resolve("name")));
        var predictions = tables.Where(table => table.Resolve("name").EndsWith("'default', 'predictions')", StringComparison.Ordinal)).ToList();
        Assert.True(predictions.Count == 1, $"Expected one table 'predictions' in the default table service, found {predictions.Count}: {names}");

        foreach (var settings in EveryAppsSettings(template))
        {
            var named = Setting(settings, "Scoring__PredictionsTable");
            Assert.True(named.Trim('\'') == "predictions", $"Scoring__PredictionsTable must name the predictions table, is: {named}");
        }
    }

    /// <summary>The app is told the live loop's two log containers by name, and they are the ones deployed.</summary>
    public static void TheAppNamesTheLogContainers(CompiledTemplate template)
    {
        foreach (var settings in EveryAppsSettings(template))
        {
            foreach (var (setting, container) in new[] { ("Monitoring__LogContainer", "prediction-log"), ("Monitoring__FeedbackContainer", "feedback") })
            {
                var named = Setting(settings, setting);
                Assert.True(named.Trim('\'') == container, $"{setting} must name the {container} container, is: {named}");
            }
        }
    }

    public static void HostStorageUsesTheManagedIdentity(CompiledTemplate template)
    {
        foreach (var settings in EveryAppsSettings(template))
        {
            HostStorageUsesTheManagedIdentity(settings);
        }
    }

    private static void HostStorageUsesTheManagedIdentity(Dictionary<string, string> settings)
    {
        Assert.False(settings.ContainsKey("AzureWebJobsStorage"), "AzureWebJobsStorage must not be a connection string: use AzureWebJobsStorage__* identity settings.");
        Assert.True(
            settings.ContainsKey("AzureWebJobsStorage__accountName") || settings.ContainsKey("AzureWebJobsStorage__blobServiceUri"),
            "AzureWebJobsStorage__accountName (or __blobServiceUri) is missing.");
        Assert.Equal("managedidentity", Setting(settings, "AzureWebJobsStorage__credential"));
        AssertIsIdentityClientId(Setting(settings, "AzureWebJobsStorage__clientId"), "AzureWebJobsStorage__clientId");
    }

    public static void ModelStorageUsesTheManagedIdentity(CompiledTemplate template)
    {
        foreach (var site in Apps(template))
        {
            ModelStorageUsesTheManagedIdentity(site, AppSettings(site));
        }
    }

    private static void ModelStorageUsesTheManagedIdentity(TemplateResource site, Dictionary<string, string> settings)
    {
        var uri = Setting(settings, "ModelStorage__blobServiceUri");
        Assert.True(uri.Contains(".primaryEndpoints.blob", StringComparison.Ordinal), $"ModelStorage__blobServiceUri must be the account's primary blob endpoint, is: {uri}");

        // A symbolic reference('name') is only the account's endpoint if that name is a storage account.
        var tableUri = Setting(settings, "ModelStorage__tableServiceUri");
        var endpoint = TableEndpoint().Match(tableUri);
        Assert.True(
            endpoint.Success && site.Scope.Resources.Any(r => r.SymbolicName == endpoint.Groups[1].Value && r.Type == StorageAccountType),
            $"ModelStorage__tableServiceUri must be the storage account's primary table endpoint, is: {tableUri}");
        Assert.Equal("managedidentity", Setting(settings, "ModelStorage__credential"));
        AssertIsIdentityClientId(Setting(settings, "ModelStorage__clientId"), "ModelStorage__clientId");
    }

    public static void ScheduleAndServingSettingsHaveTheirDefaults(CompiledTemplate template)
    {
        foreach (var settings in EveryAppsSettings(template))
        {
            ScheduleAndServingSettingsHaveTheirDefaults(settings);
        }
    }

    private static void ScheduleAndServingSettingsHaveTheirDefaults(Dictionary<string, string> settings)
    {
        AssertScheduleDefault(settings, "RetrainSchedule", "0 0 2 * * *");
        AssertScheduleDefault(settings, "ScoreSchedule", "0 30 * * * *");
        AssertScheduleDefault(settings, "LiveSchedule", "0 15 3 * * *");
        Assert.Equal("30", SingleNumber(Setting(settings, "Serving__ModelRefreshSeconds")));
        Assert.Equal("100", SingleNumber(Setting(settings, "Serving__MaxBatch")));
    }

    private static void AssertScheduleDefault(Dictionary<string, string> settings, string name, string expected)
    {
        var schedule = QuotedLiteral().Match(Setting(settings, name));
        Assert.True(schedule.Success, $"{name} should come from a parameter with a default, is: {settings[name]}");
        Assert.Equal(expected, schedule.Groups[1].Value);
        Assert.Equal(6, schedule.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    public static void TelemetryUsesEntraId(CompiledTemplate template)
    {
        foreach (var settings in EveryAppsSettings(template))
        {
            TelemetryUsesEntraId(settings);
        }

        var insights = template.SingleDeployed(AppInsightsType);
        AssertLiteral(insights, "properties.DisableLocalAuth", true);
    }

    private static void TelemetryUsesEntraId(Dictionary<string, string> settings)
    {
        var connection = Setting(settings, "APPLICATIONINSIGHTS_CONNECTION_STRING");
        Assert.True(connection.EndsWith(".ConnectionString", StringComparison.Ordinal), $"APPLICATIONINSIGHTS_CONNECTION_STRING must read the component's ConnectionString, is: {connection}");
        var authentication = Setting(settings, "APPLICATIONINSIGHTS_AUTHENTICATION_STRING");
        Assert.Contains("Authorization=AAD", authentication, StringComparison.Ordinal);
        Assert.Contains("ClientId=", authentication, StringComparison.Ordinal);
        AssertIsIdentityClientId(authentication, "APPLICATIONINSIGHTS_AUTHENTICATION_STRING");
    }

    public static void NoSettingFlexConsumptionRejects(CompiledTemplate template)
    {
        foreach (var site in Apps(template))
        {
            var settings = AppSettings(site);
            var present = SettingsFlexRejects.Where(settings.ContainsKey).ToList();
            Assert.True(present.Count == 0, $"{site}: Flex Consumption takes these from functionAppConfig; remove them: {string.Join(", ", present)}");
            Assert.Null(site.At("properties.siteConfig.linuxFxVersion"));
        }
    }

    public static void NoSecretInSettingsOrOutputs(CompiledTemplate template)
    {
        var text = template.ToJson();
        foreach (var marker in SecretMarkers)
        {
            Assert.False(text.Contains(marker, StringComparison.OrdinalIgnoreCase), $"The compiled template contains '{marker}'.");
        }

        Assert.False(ListFunction().IsMatch(text), $"The compiled template calls a list*() function: {ListFunction().Match(text).Value}");

        var values = EveryAppsSettings(template).SelectMany(settings => settings).Select(pair => ($"app setting {pair.Key}", pair.Value))
            .Concat(template.Scopes.SelectMany(scope => Outputs(scope)));
        foreach (var (where, value) in values)
        {
            foreach (var marker in SecretMarkers)
            {
                Assert.False(value.Contains(marker, StringComparison.OrdinalIgnoreCase), $"{where} contains '{marker}': {value}");
            }

            Assert.False(ListFunction().IsMatch(value), $"{where} calls a list*() function: {value}");
        }
    }

    public static void RoleAssignmentsAreTheLeastPrivilegeSet(CompiledTemplate template)
    {
        var assignments = template.Deployed(RoleAssignmentType)
            .Select(resource => (Role: RoleId(resource), Scope: resource.Resolve("scope"), Resource: resource))
            .ToList();

        (string Role, string What, Func<string, bool> ScopeMatches)[] expected =
        [
            (StorageBlobDataOwner, "Storage Blob Data Owner on the storage account (host storage + deployment container)",
                scope => scope.StartsWith($"resourceId('{StorageAccountType}',", StringComparison.Ordinal)),
            (StorageBlobDataContributor, "Storage Blob Data Contributor on the training-data container",
                scope => scope.StartsWith($"resourceId('{ContainerType}',", StringComparison.Ordinal) && scope.EndsWith("'training-data')", StringComparison.Ordinal)),
            (StorageBlobDataContributor, "Storage Blob Data Contributor on the models container",
                scope => scope.StartsWith($"resourceId('{ContainerType}',", StringComparison.Ordinal) && scope.EndsWith("'models')", StringComparison.Ordinal)),
            (StorageBlobDataContributor, "Storage Blob Data Contributor on the prediction-log container",
                scope => scope.StartsWith($"resourceId('{ContainerType}',", StringComparison.Ordinal) && scope.EndsWith("'prediction-log')", StringComparison.Ordinal)),
            (StorageBlobDataContributor, "Storage Blob Data Contributor on the feedback container",
                scope => scope.StartsWith($"resourceId('{ContainerType}',", StringComparison.Ordinal) && scope.EndsWith("'feedback')", StringComparison.Ordinal)),
            (StorageBlobDataReader, "Storage Blob Data Reader on the scoring-input container",
                scope => scope.StartsWith($"resourceId('{ContainerType}',", StringComparison.Ordinal) && scope.EndsWith("'scoring-input')", StringComparison.Ordinal)),
            (StorageTableDataContributor, "Storage Table Data Contributor on the predictions table (not the account)",
                scope => scope.StartsWith($"resourceId('{TableType}',", StringComparison.Ordinal) && scope.EndsWith("'predictions')", StringComparison.Ordinal)),
            (MonitoringMetricsPublisher, "Monitoring Metrics Publisher on Application Insights",
                scope => scope.StartsWith($"resourceId('{AppInsightsType}',", StringComparison.Ordinal)),
        ];

        var described = string.Join(Environment.NewLine, assignments.Select(a => $"  {a.Role} at {a.Scope}"));
        foreach (var (role, what, scopeMatches) in expected)
        {
            var count = assignments.Count(a => a.Role == role && scopeMatches(a.Scope));
            Assert.True(count == 1, $"Expected exactly one {what}; found {count}. Role assignments:{Environment.NewLine}{described}");
        }

        Assert.True(assignments.Count == expected.Length, $"Expected only the {expected.Length} least-privilege role assignments, found {assignments.Count}:{Environment.NewLine}{described}");

        foreach (var (_, _, resource) in assignments)
        {
            AssertLiteral(resource, "properties.principalType", "ServicePrincipal");
            var principal = resource.Resolve("properties.principalId");
            Assert.True(
                principal.Contains(IdentityType, StringComparison.Ordinal) && principal.TrimEnd(')').EndsWith(".principalId", StringComparison.Ordinal),
                $"{resource} must be granted to the user-assigned identity's principal id, is: {principal}");
        }
    }

    public static void RoleAssignmentNamesAreGuids(CompiledTemplate template)
    {
        var assignments = template.Deployed(RoleAssignmentType);
        Assert.NotEmpty(assignments);
        foreach (var assignment in assignments)
        {
            var name = assignment.At("name")?.ToString() ?? string.Empty;
            Assert.True(name.StartsWith("[guid(", StringComparison.Ordinal) && name.EndsWith(")]", StringComparison.Ordinal),
                $"{assignment}: a role assignment name must be a deterministic guid(...) expression, is: {name}");
            Assert.DoesNotContain("newGuid", name, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("utcNow", name, StringComparison.OrdinalIgnoreCase);
        }
    }

    public static void PlanIsFlexConsumption(CompiledTemplate template)
    {
        var plans = template.Deployed(PlanType);
        Assert.True(plans.Count == Apps(template).Count, $"Expected one plan per function app (Flex Consumption hosts one app per plan), found {plans.Count}.");
        foreach (var plan in plans)
        {
            AssertLiteral(plan, "sku.name", "FC1");
            AssertLiteral(plan, "sku.tier", "FlexConsumption");
            AssertLiteral(plan, "properties.reserved", true);
        }

        foreach (var site in Apps(template))
        {
            Assert.Contains($"resourceId('{PlanType}',", site.Resolve("properties.serverFarmId"), StringComparison.Ordinal);
        }
    }

    public static void FunctionAppRunsDotnetIsolated10WithTheIdentity(CompiledTemplate template)
    {
        foreach (var site in Apps(template))
        {
            RunsDotnetIsolated10WithTheIdentity(site);
        }

        var services = Apps(template).Select(site => ServiceName().Match(site.Resolve("tags"))).ToList();
        Assert.True(services.All(match => match.Success), "Every function app must carry its azd-service-name tag.");
        Assert.Equal(["api"], services.Select(match => match.Groups[1].Value));
    }

    private static void RunsDotnetIsolated10WithTheIdentity(TemplateResource site)
    {
        AssertLiteral(site, "kind", "functionapp,linux");
        AssertLiteral(site, "properties.httpsOnly", true);
        AssertLiteral(site, "identity.type", "UserAssigned");
        var identities = site.At("identity.userAssignedIdentities") as JsonObject;
        Assert.True(identities is { Count: 1 }, "The app must run as exactly one user-assigned identity.");
        Assert.Contains(IdentityType, site.Scope.Resolve(JsonValue.Create(identities.Single().Key)), StringComparison.Ordinal);

        AssertLiteral(site, "properties.functionAppConfig.runtime.name", "dotnet-isolated");
        AssertLiteral(site, "properties.functionAppConfig.runtime.version", "10.0");

        AssertLiteral(site, "properties.functionAppConfig.deployment.storage.type", "blobContainer");
        var container = site.Resolve("properties.functionAppConfig.deployment.storage.value");
        Assert.True(container.Contains(".primaryEndpoints.blob", StringComparison.Ordinal) && container.Contains("'deployments'", StringComparison.Ordinal),
            $"The deployment package must live in the account's deployments container, is: {container}");
        AssertLiteral(site, "properties.functionAppConfig.deployment.storage.authentication.type", "UserAssignedIdentity");
        Assert.Contains(IdentityType, site.Resolve("properties.functionAppConfig.deployment.storage.authentication.userAssignedIdentityResourceId"), StringComparison.Ordinal);
    }

    public static void ScaleIsParameterisedWithNoAlwaysReadyByDefault(CompiledTemplate template)
    {
        var parameters = template.Root["parameters"] as JsonObject ?? [];
        Assert.Equal(2048, parameters["instanceMemoryMB"]?["defaultValue"]?.GetValue<int>());
        Assert.True(parameters["maximumInstanceCount"]?["defaultValue"] is not null, "maximumInstanceCount must be a parameter with a default.");
        Assert.Equal(0, parameters["alwaysReadyHttpInstances"]?["defaultValue"]?.GetValue<int>());

        var scale = "properties.functionAppConfig.scaleAndConcurrency";
        var serving = ServingApp(template);
        foreach (var site in Apps(template))
        {
            Assert.Equal("(2048)", site.Resolve($"{scale}.instanceMemoryMB"));
            Assert.Equal($"({parameters["maximumInstanceCount"]?["defaultValue"]})", site.Resolve($"{scale}.maximumInstanceCount"));
            var alwaysReady = site.Resolve($"{scale}.alwaysReady");
            Assert.True(alwaysReady.StartsWith("if(greater((0), 0)", StringComparison.Ordinal) && alwaysReady.Contains("'http'", StringComparison.Ordinal),
                $"{site}: alwaysReady must be empty unless alwaysReadyHttpInstances > 0, and then only for the http group, is: {alwaysReady}");
        }
    }

    /// <summary>
    /// One app serves and retrains: Flex Consumption runs the timer on instances of its own function
    /// group, which an http-group instance never starts, so the timer stays enabled and the app loads
    /// its models while it starts.
    /// </summary>
    public static void OneAppServesAndRunsTheRetrainTimer(CompiledTemplate template)
    {
        var apps = Apps(template);
        Assert.True(apps.Count == 1, $"Expected one function app, found {apps.Count}.");
        var settings = AppSettings(apps[0]);
        Assert.False(settings.ContainsKey("AzureWebJobs.RetrainModel.Disabled"), "The retrain timer must not be disabled in the only app.");
        Assert.Equal("true", Setting(settings, "Serving__PreloadOnStart"));
        Assert.False((template.Root["parameters"] as JsonObject ?? []).ContainsKey("retrainInSeparateApp"), "A second app for the timer is not needed on Flex Consumption.");
    }

    public static void OutputsNameTheAppItsUrlAndTheStorageAccount(CompiledTemplate template)
    {
        var outputs = template.Root["outputs"] as JsonObject ?? [];
        foreach (var name in new[] { "FUNCTION_APP_NAME", "FUNCTION_APP_URL", "STORAGE_ACCOUNT_NAME" })
        {
            Assert.True(outputs.ContainsKey(name), $"Output {name} is missing.");
            Assert.Equal("string", outputs[name]?["type"]?.ToString());
        }

        var url = template.RootScope.Resolve(outputs["FUNCTION_APP_URL"]?["value"]);
        Assert.True(url.StartsWith("format('https://{0}'", StringComparison.Ordinal) && url.Contains(".defaultHostName", StringComparison.Ordinal),
            $"FUNCTION_APP_URL must be https://<defaultHostName>, is: {url}");
        var accountName = template.SingleDeployed(StorageAccountType).Resolve("name");
        var outputName = template.RootScope.Resolve(outputs["STORAGE_ACCOUNT_NAME"]?["value"]);
        Assert.True(WithoutParentheses(outputName) == WithoutParentheses(accountName),
            $"STORAGE_ACCOUNT_NAME must be the storage account's name ({accountName}), is: {outputName}");
    }

    /// <summary>The function apps the template deploys (one: it serves and runs the timers).</summary>
    public static IReadOnlyList<TemplateResource> Apps(CompiledTemplate template) => template.Deployed(SiteType);

    /// <summary>The app azd deploys as service <c>api</c>: the one that answers HTTP.</summary>
    public static TemplateResource ServingApp(CompiledTemplate template) =>
        Apps(template).Single(site => ServiceName().Match(site.Resolve("tags")) is { Success: true } match && match.Groups[1].Value == "api");

    private static IEnumerable<Dictionary<string, string>> EveryAppsSettings(CompiledTemplate template) =>
        Apps(template).Select(AppSettings);

    /// <summary>App settings of one function app, name to resolved value.</summary>
    public static Dictionary<string, string> AppSettings(TemplateResource site)
    {
        var array = site.At("properties.siteConfig.appSettings") as JsonArray
            ?? throw new InvalidOperationException("The function app has no properties.siteConfig.appSettings array.");
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in array.OfType<JsonObject>())
        {
            var name = entry["name"]?.ToString() ?? throw new InvalidOperationException("An app setting has no name.");
            Assert.True(settings.TryAdd(name, site.Scope.Resolve(entry["value"])), $"App setting {name} is set twice.");
        }

        return settings;
    }

    private static IEnumerable<(string Where, string Value)> Outputs(TemplateScope scope) =>
        (scope.Template["outputs"] as JsonObject ?? [])
            .Select(pair => ($"output {pair.Key} of {scope.Name}", scope.Resolve(pair.Value?["value"])));

    private static string Setting(Dictionary<string, string> settings, string name) =>
        settings.TryGetValue(name, out var value) ? value : throw new Xunit.Sdk.XunitException($"App setting {name} is missing.");

    private static void AssertIsIdentityClientId(string value, string what) =>
        Assert.True(value.Contains(IdentityType, StringComparison.Ordinal) && value.Contains(".clientId)", StringComparison.Ordinal),
            $"{what} must be the user-assigned identity's client id, is: {value}");

    private static string WithoutParentheses(string text) => text.Replace("(", string.Empty, StringComparison.Ordinal).Replace(")", string.Empty, StringComparison.Ordinal);

    private static string RoleId(TemplateResource assignment)
    {
        var resolved = assignment.Resolve("properties.roleDefinitionId");
        var match = RoleDefinition().Match(resolved);
        Assert.True(match.Success, $"{assignment}: roleDefinitionId must be a built-in role id, is: {resolved}");
        return match.Groups[1].Value.ToLowerInvariant();
    }

    private static string SingleNumber(string value)
    {
        var numbers = Number().Matches(value);
        Assert.True(numbers.Count == 1, $"Expected one number in: {value}");
        return numbers[0].Value;
    }

    /// <summary>The property must be the literal value, not an expression that could evaluate to anything.</summary>
    private static void AssertLiteral<T>(TemplateResource resource, string path, T expected)
    {
        var node = resource.At(path);
        if (node is not JsonValue value)
        {
            throw new Xunit.Sdk.XunitException($"{resource}: {path} must be set to {expected}, is {node?.ToJsonString() ?? "missing"}.");
        }

        var kind = value.GetValueKind();
        object? actual = expected switch
        {
            bool when kind is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
            string when kind is JsonValueKind.String => value.GetValue<string>(),
            _ => value.ToJsonString(),
        };
        Assert.True(Equals(actual, expected), $"{resource}: {path} must be {expected}, is {value.ToJsonString()}.");
    }

    [GeneratedRegex(@"subscriptionResourceId\('Microsoft\.Authorization/roleDefinitions', '([0-9a-fA-F-]{36})'\)", RegexOptions.CultureInvariant)]
    private static partial Regex RoleDefinition();

    [GeneratedRegex(@"\blist[A-Za-z]*\(", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ListFunction();

    [GeneratedRegex(@"'([^']*)'", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedLiteral();

    [GeneratedRegex(@"'azd-service-name', '([a-z]+)'", RegexOptions.CultureInvariant)]
    private static partial Regex ServiceName();

    [GeneratedRegex(@"^reference\('([^']+)'\)\.primaryEndpoints\.table$", RegexOptions.CultureInvariant)]
    private static partial Regex TableEndpoint();

    [GeneratedRegex(@"\d+", RegexOptions.CultureInvariant)]
    private static partial Regex Number();
}

using System.Text.Json.Nodes;
using Xunit;

namespace ServerlessMl.Infra.Tests;

/// <summary>
/// Each check must be able to fail: weaken a copy of the compiled template the way a careless
/// edit of the Bicep would, and the check that guards that property must throw. Every check in
/// <see cref="InfraChecks"/> appears here at least once.
/// </summary>
public sealed class ChecksCatchRegressionsTests
{
    private static readonly Dictionary<string, (Action<CompiledTemplate> Weaken, Action<CompiledTemplate> Check)> Regressions = new()
    {
        ["shared key access allowed"] = (
            t => Properties(t, InfraChecks.StorageAccountType)["allowSharedKeyAccess"] = true,
            InfraChecks.StorageAccountIsLockedDown),
        ["shared key access left to an expression"] = (
            t => Properties(t, InfraChecks.StorageAccountType)["allowSharedKeyAccess"] = "[parameters('allowKeys')]",
            InfraChecks.StorageAccountIsLockedDown),
        ["public blob access allowed"] = (
            t => Properties(t, InfraChecks.StorageAccountType)["allowBlobPublicAccess"] = true,
            InfraChecks.StorageAccountIsLockedDown),
        ["TLS 1.0 accepted"] = (
            t => Properties(t, InfraChecks.StorageAccountType)["minimumTlsVersion"] = "TLS1_0",
            InfraChecks.StorageAccountIsLockedDown),
        ["plain HTTP accepted"] = (
            t => Properties(t, InfraChecks.StorageAccountType).Remove("supportsHttpsTrafficOnly"),
            InfraChecks.StorageAccountIsLockedDown),
        ["models container missing"] = (
            t => RemoveResource(t, InfraChecks.ContainerType, r => r.Resolve("name").EndsWith("'models')", StringComparison.Ordinal)),
            InfraChecks.ContainersExistAndArePrivate),
        ["training-data container public"] = (
            t => Properties(t, InfraChecks.ContainerType, r => r.Resolve("name").EndsWith("'training-data')", StringComparison.Ordinal))["publicAccess"] = "Blob",
            InfraChecks.ContainersExistAndArePrivate),
        ["scoring-input container missing"] = (
            t => RemoveResource(t, InfraChecks.ContainerType, r => r.Resolve("name").EndsWith("'scoring-input')", StringComparison.Ordinal)),
            InfraChecks.ContainersExistAndArePrivate),
        ["feedback container missing"] = (
            t => RemoveResource(t, InfraChecks.ContainerType, r => r.Resolve("name").EndsWith("'feedback')", StringComparison.Ordinal)),
            InfraChecks.ContainersExistAndArePrivate),
        ["prediction-log container public"] = (
            t => Properties(t, InfraChecks.ContainerType, r => r.Resolve("name").EndsWith("'prediction-log')", StringComparison.Ordinal))["publicAccess"] = "Container",
            InfraChecks.ContainersExistAndArePrivate),
        ["log container setting names another container"] = (
            t => SetSetting(t, "Monitoring__LogContainer", "logs"),
            InfraChecks.TheAppNamesTheLogContainers),
        ["feedback container setting missing"] = (
            t => RemoveSetting(t, "Monitoring__FeedbackContainer"),
            InfraChecks.TheAppNamesTheLogContainers),
        ["predictions table missing"] = (
            t => RemoveResource(t, InfraChecks.TableType, r => r.Resolve("name").EndsWith("'predictions')", StringComparison.Ordinal)),
            InfraChecks.PredictionsTableExistsAndTheAppNamesIt),
        ["predictions table setting names another table"] = (
            t => SetSetting(t, "Scoring__PredictionsTable", "scores"),
            InfraChecks.PredictionsTableExistsAndTheAppNamesIt),
        ["host storage as a key-based connection string"] = (
            t => AddSetting(t, "AzureWebJobsStorage", "[format('DefaultEndpointsProtocol=https;AccountName={0};AccountKey={1}', 'x', listKeys('x', '2025-01-01').keys[0].value)]"),
            InfraChecks.HostStorageUsesTheManagedIdentity),
        ["host storage credential not managedidentity"] = (
            t => SetSetting(t, "AzureWebJobsStorage__credential", "connectionstring"),
            InfraChecks.HostStorageUsesTheManagedIdentity),
        ["host storage client id not the identity's"] = (
            t => SetSetting(t, "AzureWebJobsStorage__clientId", "00000000-0000-0000-0000-000000000000"),
            InfraChecks.HostStorageUsesTheManagedIdentity),
        ["host storage account setting missing"] = (
            t => RemoveSetting(t, "AzureWebJobsStorage__accountName"),
            InfraChecks.HostStorageUsesTheManagedIdentity),
        ["model storage uri hard-coded"] = (
            t => SetSetting(t, "ModelStorage__blobServiceUri", "https://example.invalid/"),
            InfraChecks.ModelStorageUsesTheManagedIdentity),
        ["model storage client id missing"] = (
            t => RemoveSetting(t, "ModelStorage__clientId"),
            InfraChecks.ModelStorageUsesTheManagedIdentity),
        ["table service uri is the blob endpoint"] = (
            t => SetSetting(t, "ModelStorage__tableServiceUri", "[reference('storage').primaryEndpoints.blob]"),
            InfraChecks.ModelStorageUsesTheManagedIdentity),
        ["table service uri read from another resource"] = (
            t => SetSetting(t, "ModelStorage__tableServiceUri", "[reference('applicationInsights').primaryEndpoints.table]"),
            InfraChecks.ModelStorageUsesTheManagedIdentity),
        ["table service uri missing"] = (
            t => RemoveSetting(t, "ModelStorage__tableServiceUri"),
            InfraChecks.ModelStorageUsesTheManagedIdentity),
        ["retrain schedule with 5 fields"] = (
            t => SetSetting(t, "RetrainSchedule", "0 2 * * *"),
            InfraChecks.ScheduleAndServingSettingsHaveTheirDefaults),
        ["score schedule with 5 fields"] = (
            t => SetSetting(t, "ScoreSchedule", "30 * * * *"),
            InfraChecks.ScheduleAndServingSettingsHaveTheirDefaults),
        ["score schedule missing"] = (
            t => RemoveSetting(t, "ScoreSchedule"),
            InfraChecks.ScheduleAndServingSettingsHaveTheirDefaults),
        ["live schedule missing"] = (
            t => RemoveSetting(t, "LiveSchedule"),
            InfraChecks.ScheduleAndServingSettingsHaveTheirDefaults),
        ["live schedule with 5 fields"] = (
            t => SetSetting(t, "LiveSchedule", "15 3 * * *"),
            InfraChecks.ScheduleAndServingSettingsHaveTheirDefaults),
        ["max batch setting missing"] = (
            t => RemoveSetting(t, "Serving__MaxBatch"),
            InfraChecks.ScheduleAndServingSettingsHaveTheirDefaults),
        ["app insights local auth enabled"] = (
            t => Properties(t, InfraChecks.AppInsightsType)["DisableLocalAuth"] = false,
            InfraChecks.TelemetryUsesEntraId),
        ["telemetry authentication string missing"] = (
            t => RemoveSetting(t, "APPLICATIONINSIGHTS_AUTHENTICATION_STRING"),
            InfraChecks.TelemetryUsesEntraId),
        ["FUNCTIONS_WORKER_RUNTIME set"] = (
            t => AddSetting(t, "FUNCTIONS_WORKER_RUNTIME", "dotnet-isolated"),
            InfraChecks.NoSettingFlexConsumptionRejects),
        ["FUNCTIONS_EXTENSION_VERSION set"] = (
            t => AddSetting(t, "FUNCTIONS_EXTENSION_VERSION", "~4"),
            InfraChecks.NoSettingFlexConsumptionRejects),
        ["setting with a SAS"] = (
            t => AddSetting(t, "DATA_URL", "https://x.blob.core.windows.net/?sv=2024&SharedAccessSignature=abc"),
            InfraChecks.NoSecretInSettingsOrOutputs),
        ["output with listKeys"] = (
            t => ((JsonObject)t.Root["outputs"]!)["STORAGE_KEY"] = new JsonObject
            {
                ["type"] = "string",
                ["value"] = "[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'x'), '2025-01-01').keys[0].value]",
            },
            InfraChecks.NoSecretInSettingsOrOutputs),
        ["module output with listAccountSas"] = (
            t => ((JsonObject)t.Scopes.First(s => s.Name == "storage").Template["outputs"]!)["sas"] = new JsonObject
            {
                ["type"] = "string",
                ["value"] = "[listAccountSas(parameters('name'), '2025-01-01', createObject()).accountSasToken]",
            },
            InfraChecks.NoSecretInSettingsOrOutputs),
        ["training-data contributor widened to the account"] = (
            t => RoleScopedTo(t, "'training-data')")["scope"] = "[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]",
            InfraChecks.RoleAssignmentsAreTheLeastPrivilegeSet),
        ["models granted Owner instead of Contributor"] = (
            t => RoleScopedTo(t, "'models')")["properties"]!["roleDefinitionId"] = "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '8e3af657-a8ff-443c-a75c-2fe8c4bcb635')]",
            InfraChecks.RoleAssignmentsAreTheLeastPrivilegeSet),
        ["predictions contributor widened to the account"] = (
            t => RoleScopedTo(t, "'predictions')")["scope"] = "[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]",
            InfraChecks.RoleAssignmentsAreTheLeastPrivilegeSet),
        ["predictions contributor widened to the table service"] = (
            t => RoleScopedTo(t, "'predictions')")["scope"] = "[resourceId('Microsoft.Storage/storageAccounts/tableServices', parameters('storageAccountName'), 'default')]",
            InfraChecks.RoleAssignmentsAreTheLeastPrivilegeSet),
        ["predictions contributor missing"] = (
            t => RemoveResource(t, InfraChecks.RoleAssignmentType, r => r.Resolve("scope").EndsWith("'predictions')", StringComparison.Ordinal)),
            InfraChecks.RoleAssignmentsAreTheLeastPrivilegeSet),
        ["feedback contributor widened to the account"] = (
            t => RoleScopedTo(t, "'feedback')")["scope"] = "[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]",
            InfraChecks.RoleAssignmentsAreTheLeastPrivilegeSet),
        ["prediction-log contributor missing"] = (
            t => RemoveResource(t, InfraChecks.RoleAssignmentType, r => r.Resolve("scope").EndsWith("'prediction-log')", StringComparison.Ordinal)),
            InfraChecks.RoleAssignmentsAreTheLeastPrivilegeSet),
        ["scoring-input granted Contributor instead of Reader"] = (
            t => RoleScopedTo(t, "'scoring-input')")["properties"]!["roleDefinitionId"] = $"[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{InfraChecks.StorageBlobDataContributor}')]",
            InfraChecks.RoleAssignmentsAreTheLeastPrivilegeSet),
        ["metrics publisher missing"] = (
            t => RemoveResource(t, InfraChecks.RoleAssignmentType, r => r.Resolve("scope").Contains(InfraChecks.AppInsightsType, StringComparison.Ordinal)),
            InfraChecks.RoleAssignmentsAreTheLeastPrivilegeSet),
        ["extra Storage Account Contributor"] = (
            t => AddResource(t, "roles", new JsonObject
            {
                ["type"] = InfraChecks.RoleAssignmentType,
                ["apiVersion"] = "2022-04-01",
                ["scope"] = "[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]",
                ["name"] = "[guid('extra')]",
                ["properties"] = new JsonObject
                {
                    ["roleDefinitionId"] = "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '17d1049b-9a84-46fb-8f53-869881c3d3ab')]",
                    ["principalId"] = "[parameters('principalId')]",
                    ["principalType"] = "ServicePrincipal",
                },
            }),
            InfraChecks.RoleAssignmentsAreTheLeastPrivilegeSet),
        ["role granted to a hard-coded principal"] = (
            t => RoleScopedTo(t, "'models')")["properties"]!["principalId"] = "11111111-1111-1111-1111-111111111111",
            InfraChecks.RoleAssignmentsAreTheLeastPrivilegeSet),
        ["role assignment with a literal name"] = (
            t => RoleScopedTo(t, "'models')")["name"] = "models-contributor",
            InfraChecks.RoleAssignmentNamesAreGuids),
        ["role assignment named with newGuid()"] = (
            t => RoleScopedTo(t, "'models')")["name"] = "[guid(newGuid())]",
            InfraChecks.RoleAssignmentNamesAreGuids),
        ["plan on the old consumption SKU"] = (
            t => t.Deployed(InfraChecks.PlanType)[0].Node["sku"] = new JsonObject { ["name"] = "Y1", ["tier"] = "Dynamic" },
            InfraChecks.PlanIsFlexConsumption),
        ["plan on Windows"] = (
            t => ((JsonObject)t.Deployed(InfraChecks.PlanType)[^1].Node["properties"]!)["reserved"] = false,
            InfraChecks.PlanIsFlexConsumption),
        ["runtime .NET 8"] = (
            t => FunctionAppConfig(t)["runtime"]!["version"] = "8.0",
            InfraChecks.FunctionAppRunsDotnetIsolated10WithTheIdentity),
        ["in-process runtime"] = (
            t => FunctionAppConfig(t)["runtime"]!["name"] = "dotnet",
            InfraChecks.FunctionAppRunsDotnetIsolated10WithTheIdentity),
        ["https not enforced"] = (
            t => ServingAppProperties(t)["httpsOnly"] = false,
            InfraChecks.FunctionAppRunsDotnetIsolated10WithTheIdentity),
        ["system-assigned identity"] = (
            t => InfraChecks.ServingApp(t).Node["identity"] = new JsonObject { ["type"] = "SystemAssigned" },
            InfraChecks.FunctionAppRunsDotnetIsolated10WithTheIdentity),
        ["deployment storage with a connection string"] = (
            t => FunctionAppConfig(t)["deployment"]!["storage"]!["authentication"] = new JsonObject
            {
                ["type"] = "StorageAccountConnectionString",
                ["storageAccountConnectionStringName"] = "DEPLOYMENT_STORAGE_CONNECTION_STRING",
            },
            InfraChecks.FunctionAppRunsDotnetIsolated10WithTheIdentity),
        ["azd service tag missing"] = (
            t => InfraChecks.ServingApp(t).Node["tags"] = "[parameters('tags')]",
            InfraChecks.FunctionAppRunsDotnetIsolated10WithTheIdentity),
        ["always-ready on by default"] = (
            t => t.Root["parameters"]!["alwaysReadyHttpInstances"]!["defaultValue"] = 1,
            InfraChecks.ScaleIsParameterisedWithNoAlwaysReadyByDefault),
        ["instance memory hard-coded"] = (
            t => FunctionAppConfig(t)["scaleAndConcurrency"]!["instanceMemoryMB"] = 4096,
            InfraChecks.ScaleIsParameterisedWithNoAlwaysReadyByDefault),
        ["timer disabled"] = (
            t => AddSetting(t, "AzureWebJobs.RetrainModel.Disabled", "true"),
            InfraChecks.OneAppServesAndRunsTheRetrainTimer),
        ["models loaded on the first request"] = (
            t => SetSetting(t, "Serving__PreloadOnStart", "false"),
            InfraChecks.OneAppServesAndRunsTheRetrainTimer),
        ["a second app"] = (
            t => ((JsonArray)t.Root["resources"]!).Add(JsonNode.Parse(InfraChecks.ServingApp(t).Scope.Deployment!.ToJsonString())),
            InfraChecks.OneAppServesAndRunsTheRetrainTimer),
        ["url output over http"] = (
            t => t.Root["outputs"]!["FUNCTION_APP_URL"]!["value"] = "[format('http://{0}', reference(resourceId('Microsoft.Resources/deployments', 'functionApp'), '2025-04-01').outputs.defaultHostName.value)]",
            InfraChecks.OutputsNameTheAppItsUrlAndTheStorageAccount),
        ["storage account output missing"] = (
            t => ((JsonObject)t.Root["outputs"]!).Remove("STORAGE_ACCOUNT_NAME"),
            InfraChecks.OutputsNameTheAppItsUrlAndTheStorageAccount),
    };

    public static TheoryData<string> RegressionNames => new(Regressions.Keys);

    [Theory]
    [MemberData(nameof(RegressionNames))]
    public void Check_passes_on_the_compiled_template_and_fails_once_it_is_weakened(string regression)
    {
        var (weaken, check) = Regressions[regression];
        check(CompiledTemplate.Load());

        var weakened = CompiledTemplate.Load();
        weaken(weakened);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => check(weakened)); // a failed check, not a crash
    }

    [Fact]
    public void Every_check_is_shown_to_fail_by_some_regression()
    {
        var checks = typeof(InfraChecks).GetMethods()
            .Where(m => m.IsStatic && m.ReturnType == typeof(void) && m.GetParameters() is [{ ParameterType: var p }] && p == typeof(CompiledTemplate))
            .Select(m => m.Name)
            .ToHashSet();
        var covered = Regressions.Values.Select(r => r.Check.Method.Name).ToHashSet();
        Assert.NotEmpty(checks);
        Assert.Empty(checks.Except(covered));
    }

    private static JsonObject Properties(CompiledTemplate t, string type) =>
        (JsonObject)t.SingleDeployed(type).Node["properties"]!;

    private static JsonObject Properties(CompiledTemplate t, string type, Func<TemplateResource, bool> which) =>
        (JsonObject)t.Deployed(type).Single(which).Node["properties"]!;

    private static JsonObject ServingAppProperties(CompiledTemplate t) => (JsonObject)InfraChecks.ServingApp(t).Node["properties"]!;

    private static JsonObject FunctionAppConfig(CompiledTemplate t) => (JsonObject)ServingAppProperties(t)["functionAppConfig"]!;

    private static JsonObject RoleScopedTo(CompiledTemplate t, string scopeSuffix) =>
        t.Deployed(InfraChecks.RoleAssignmentType).Single(r => r.Resolve("scope").EndsWith(scopeSuffix, StringComparison.Ordinal)).Node;

    private static JsonArray Settings(CompiledTemplate t) =>
        (JsonArray)ServingAppProperties(t)["siteConfig"]!["appSettings"]!;

    private static JsonObject SettingNode(CompiledTemplate t, string name) =>
        Settings(t).OfType<JsonObject>().Single(s => s["name"]?.ToString() == name);

    private static void SetSetting(CompiledTemplate t, string name, string value) =>
        SettingNode(t, name)["value"] = value;

    private static void AddSetting(CompiledTemplate t, string name, string value) =>
        Settings(t).Add(new JsonObject { ["name"] = name, ["value"] = value });

    private static void RemoveSetting(CompiledTemplate t, string name) =>
        Settings(t).Remove(SettingNode(t, name));

    private static void RemoveResource(CompiledTemplate t, string type, Func<TemplateResource, bool> which)
    {
        var resource = t.Deployed(type).Single(which);
        switch (resource.Scope.Template["resources"])
        {
            case JsonObject symbolic:
                symbolic.Remove(resource.SymbolicName!);
                break;
            case JsonArray array:
                array.Remove(resource.Node);
                break;
            default:
                throw new InvalidOperationException($"No resources in {resource.Scope.Name}.");
        }
    }

    private static void AddResource(CompiledTemplate t, string scopeName, JsonObject resource)
    {
        switch (t.Scopes.Single(s => s.Name == scopeName).Template["resources"])
        {
            case JsonObject symbolic:
                symbolic["injected"] = resource;
                break;
            case JsonArray array:
                array.Add(resource);
                break;
            default:
                throw new InvalidOperationException($"No resources in {scopeName}.");
        }
    }
}

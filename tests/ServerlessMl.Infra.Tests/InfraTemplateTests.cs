using Xunit;

namespace ServerlessMl.Infra.Tests;

/// <summary>
/// Asserts on artifacts/infra/main.json, the ARM template compiled from infra/main.bicep by
/// scripts/bicep.sh. Modules are nested deployments: the checks walk all of them.
/// </summary>
public sealed class InfraTemplateTests
{
    private readonly CompiledTemplate _template = CompiledTemplate.Load();

    [Fact]
    public void Storage_account_refuses_shared_keys_public_blobs_old_tls_and_plain_http() =>
        InfraChecks.StorageAccountIsLockedDown(_template);

    [Fact]
    public void Training_data_models_scoring_input_log_and_deployment_containers_exist_and_are_private() =>
        InfraChecks.ContainersExistAndArePrivate(_template);

    [Fact]
    public void Predictions_table_exists_and_the_app_setting_names_it() =>
        InfraChecks.PredictionsTableExistsAndTheAppNamesIt(_template);

    [Fact]
    public void The_app_settings_name_the_prediction_log_and_feedback_containers() =>
        InfraChecks.TheAppNamesTheLogContainers(_template);

    [Fact]
    public void Functions_host_storage_is_identity_based_with_the_user_assigned_client_id() =>
        InfraChecks.HostStorageUsesTheManagedIdentity(_template);

    [Fact]
    public void Model_storage_settings_point_at_the_blob_and_table_endpoints_with_the_identity() =>
        InfraChecks.ModelStorageUsesTheManagedIdentity(_template);

    [Fact]
    public void Retrain_and_score_schedules_and_serving_settings_come_from_parameters_with_defaults() =>
        InfraChecks.ScheduleAndServingSettingsHaveTheirDefaults(_template);

    [Fact]
    public void Telemetry_is_sent_with_entra_id_and_app_insights_disables_local_auth() =>
        InfraChecks.TelemetryUsesEntraId(_template);

    [Fact]
    public void No_app_setting_that_flex_consumption_rejects() =>
        InfraChecks.NoSettingFlexConsumptionRejects(_template);

    [Fact]
    public void No_key_sas_or_key_based_connection_string_anywhere() =>
        InfraChecks.NoSecretInSettingsOrOutputs(_template);

    [Fact]
    public void Role_assignments_are_exactly_the_least_privilege_set_with_container_and_table_scopes() =>
        InfraChecks.RoleAssignmentsAreTheLeastPrivilegeSet(_template);

    [Fact]
    public void Every_role_assignment_name_is_a_deterministic_guid_expression() =>
        InfraChecks.RoleAssignmentNamesAreGuids(_template);

    [Fact]
    public void Plan_is_flex_consumption_fc1_on_linux() =>
        InfraChecks.PlanIsFlexConsumption(_template);

    [Fact]
    public void Function_app_runs_dotnet_isolated_10_as_the_identity_from_its_deployment_container() =>
        InfraChecks.FunctionAppRunsDotnetIsolated10WithTheIdentity(_template);

    [Fact]
    public void Scale_settings_are_parameters_and_always_ready_is_off_by_default() =>
        InfraChecks.ScaleIsParameterisedWithNoAlwaysReadyByDefault(_template);

    [Fact]
    public void One_app_serves_runs_the_retrain_timer_and_preloads() =>
        InfraChecks.OneAppServesAndRunsTheRetrainTimer(_template);

    [Fact]
    public void Outputs_give_the_app_name_its_https_url_and_the_storage_account() =>
        InfraChecks.OutputsNameTheAppItsUrlAndTheStorageAccount(_template);
}

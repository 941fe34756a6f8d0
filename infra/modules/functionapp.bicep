import { containerNames, tableNames } from 'constants.bicep'

@description('Flex Consumption plan name.')
param planName string

@description('Function app name (globally unique: it becomes <name>.azurewebsites.net).')
param name string

@description('Azure region (must offer Flex Consumption: az functionapp list-flexconsumption-locations).')
param location string

@description('Tags for the plan and the app. The app also gets azd-service-name: api, the service azure.yaml deploys.')
param tags object

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity (identity-based connections pick it with __clientId).')
param identityClientId string

@description('Name of the storage account (host storage, deployment container, app data).')
param storageAccountName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Most instances the app may scale out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Always-ready instances for the HTTP scale group (0 = none, pure on-demand billing).')
@minValue(0)
@maxValue(1000)
param alwaysReadyHttpInstances int

@description('NCRONTAB (6 fields, UTC) of the RetrainModel timer trigger.')
param retrainSchedule string

@description('NCRONTAB (6 fields, UTC) of the scoring timer trigger.')
param scoreSchedule string

@description('NCRONTAB (6 fields, UTC) of the live quality timer trigger.')
param liveSchedule string

@description('Seconds between champion checks of a serving instance.')
param modelRefreshSeconds int

@description('Largest batch a predict request may carry.')
param maxBatch int

resource storage 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

// Flex Consumption takes the runtime, scale and deployment settings from functionAppConfig.
// FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION, WEBSITE_RUN_FROM_PACKAGE,
// WEBSITE_CONTENTSHARE / WEBSITE_CONTENTAZUREFILECONNECTIONSTRING and siteConfig.linuxFxVersion
// are deprecated on this plan ("Flex Consumption plan deprecations" in the Functions app
// settings reference) and must not be set.
var appSettings = [
  // Functions host storage with the user-assigned identity (no connection string, no key).
  {
    name: 'AzureWebJobsStorage__accountName'
    value: storage.name
  }
  {
    name: 'AzureWebJobsStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'AzureWebJobsStorage__clientId'
    value: identityClientId
  }
  // The app's model registry, training data, scoring drops and predictions (read by ServerlessMl.Core).
  {
    name: 'ModelStorage__blobServiceUri'
    value: storage.properties.primaryEndpoints.blob
  }
  {
    name: 'ModelStorage__tableServiceUri'
    value: storage.properties.primaryEndpoints.table
  }
  {
    name: 'ModelStorage__credential'
    value: 'managedidentity'
  }
  {
    name: 'ModelStorage__clientId'
    value: identityClientId
  }
  {
    name: 'RetrainSchedule'
    value: retrainSchedule
  }
  {
    name: 'ScoreSchedule'
    value: scoreSchedule
  }
  {
    name: 'Scoring__PredictionsTable'
    value: tableNames.predictions
  }
  {
    name: 'LiveSchedule'
    value: liveSchedule
  }
  {
    name: 'Monitoring__LogContainer'
    value: containerNames.predictionLog
  }
  {
    name: 'Monitoring__FeedbackContainer'
    value: containerNames.feedback
  }
  // Flex scales each function group on instances of its own: an instance of the http group starts
  // neither the timer's listener nor its singleton lease, so preloading costs the timer nothing,
  // and a timer instance skips the preload (the app reads FUNCTIONS_TARGET_GROUP).
  {
    name: 'Serving__PreloadOnStart'
    value: 'true'
  }
  {
    name: 'Serving__ModelRefreshSeconds'
    value: string(modelRefreshSeconds)
  }
  {
    name: 'Serving__MaxBatch'
    value: string(maxBatch)
  }
  // Telemetry over Entra ID. The connection string carries the ingestion endpoint and the
  // instrumentation key, which cannot send anything by itself once local auth is disabled.
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: applicationInsights.properties.ConnectionString
  }
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'ClientId=${identityClientId};Authorization=AAD'
  }
]

resource app 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: appSettings
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${containerNames.deployments}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: alwaysReadyHttpInstances > 0
          ? [
              {
                name: 'http'
                instanceCount: alwaysReadyHttpInstances
              }
            ]
          : []
      }
    }
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName

// ServerlessMl on Azure: a Flex Consumption function app (.NET 10 isolated) that runs as a
// user-assigned managed identity, with one storage account that accepts no shared keys,
// Application Insights with local auth disabled, and least-privilege role assignments.
// Deploy with `azd up`, or see docs/deploy.md for `az deployment group create`.
targetScope = 'resourceGroup'

@description('Environment name (azd sets AZURE_ENV_NAME). Seeds the unique suffix of every resource name.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region for all resources. Must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('Short prefix of resource names (lowercase letters and digits).')
@minLength(2)
@maxLength(8)
param namePrefix string = 'sml'

@description('Memory of each function app instance in MB (512, 2048 or 4096).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances the app may scale out to (Flex Consumption accepts 40 to 1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Always-ready instances for the HTTP functions, against cold starts. 0 (default) = none: no compute cost at rest. Each one is billed for its memory around the clock.')
@minValue(0)
@maxValue(1000)
param alwaysReadyHttpInstances int = 0

@description('NCRONTAB with 6 fields (second minute hour day month day-of-week), UTC: when RetrainModel runs.')
@minLength(11)
param retrainSchedule string = '0 0 2 * * *'

@description('NCRONTAB with 6 fields (second minute hour day month day-of-week), UTC: when the scoring timer scores new drops.')
@minLength(11)
param scoreSchedule string = '0 30 * * * *'

@description('NCRONTAB with 6 fields (second minute hour day month day-of-week), UTC: when the live quality timer judges the logged predictions against the truth.')
@minLength(11)
param liveSchedule string = '0 15 3 * * *'

@description('Seconds between checks of the champion model by a serving instance.')
@minValue(1)
@maxValue(86400)
param modelRefreshSeconds int = 30

@description('Largest number of rows in one predict request.')
@minValue(1)
@maxValue(10000)
param maxBatch int = 100

@description('Storage replication.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Days Log Analytics keeps data.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Daily Log Analytics ingestion cap in GB (-1 = no cap).')
@minValue(-1)
param logDailyQuotaGb int = 1

@description('Tags for every resource.')
param tags object = {}

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var allTags = union(tags, { 'azd-env-name': environmentName })

// Names are computed here, from values known when the deployment starts, and handed to the
// modules: resource identifiers that wait on another module's outputs would make what-if
// predictions imprecise (linter rule what-if-short-circuiting).
var names = {
  identity: 'id-${namePrefix}-${resourceToken}'
  storageAccount: take('st${namePrefix}${resourceToken}', 24)
  logAnalytics: 'log-${namePrefix}-${resourceToken}'
  applicationInsights: 'appi-${namePrefix}-${resourceToken}'
  plan: 'plan-${namePrefix}-${resourceToken}'
  functionApp: 'func-${namePrefix}-${resourceToken}'
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: allTags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storageAccount
    location: location
    tags: allTags
    skuName: storageSkuName
    softDeleteRetentionDays: 7
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: allTags
    retentionInDays: logRetentionInDays
    dailyQuotaGb: logDailyQuotaGb
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    storageAccountName: names.storageAccount
    applicationInsightsName: names.applicationInsights
    identityId: resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', names.identity)
    principalId: identity.outputs.principalId
  }
  // The scopes are named, not referenced: wait for the resources to exist.
  dependsOn: [
    storage
    monitoring
  ]
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionApp'
  params: {
    planName: names.plan
    name: names.functionApp
    location: location
    tags: allTags
    identityId: resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', names.identity)
    identityClientId: identity.outputs.clientId
    storageAccountName: names.storageAccount
    applicationInsightsName: names.applicationInsights
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    retrainSchedule: retrainSchedule
    scoreSchedule: scoreSchedule
    liveSchedule: liveSchedule
    modelRefreshSeconds: modelRefreshSeconds
    maxBatch: maxBatch
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
  }
  // The app starts and reads its package with the identity: grant the roles first so the
  // first start does not race the role assignments.
  dependsOn: [
    storage
    monitoring
    roles
  ]
}

@description('Name of the function app.')
output FUNCTION_APP_NAME string = functionApp.outputs.name

@description('Base URL of the function app; routes are under /api.')
output FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'

@description('Name of the storage account (training-data and models containers).')
output STORAGE_ACCOUNT_NAME string = storage.outputs.name

@description('Blob endpoint of that account: the --blob-uri of `serverless-ml data upload`.')
output STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint

import { containerNames, roleDefinitionIds, tableNames } from 'constants.bicep'

@description('Name of the storage account that holds host storage, the deployment container and the app data.')
param storageAccountName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Resource id of the function app\'s user-assigned identity. Seeds the role assignment names (known when the deployment starts, unlike the principal id).')
param identityId string

@description('Principal (object) id of that identity.')
param principalId string

resource account 'Microsoft.Storage/storageAccounts@2025-01-01' existing = {
  name: storageAccountName

  resource blobService 'blobServices' existing = {
    name: 'default'

    resource trainingData 'containers' existing = {
      name: containerNames.trainingData
    }

    resource models 'containers' existing = {
      name: containerNames.models
    }

    resource scoringInput 'containers' existing = {
      name: containerNames.scoringInput
    }

    resource predictionLog 'containers' existing = {
      name: containerNames.predictionLog
    }

    resource feedback 'containers' existing = {
      name: containerNames.feedback
    }
  }

  resource tableService 'tableServices' existing = {
    name: 'default'

    resource predictions 'tables' existing = {
      name: tableNames.predictions
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Functions host storage (AzureWebJobsStorage) and the Flex Consumption deployment container.
// Microsoft documents Storage Blob Data Owner on the account as what the host needs: it creates
// its own containers (azure-webjobs-hosts, azure-webjobs-secrets), keeps function keys there,
// and the timer trigger takes its singleton lock and schedule status as blobs. The platform
// also reads the package from the deployment container with this identity.
// Not granted, because this app does not need them:
//   - Storage Queue Data Contributor: only blob triggers, Durable Functions or queue bindings
//     on AzureWebJobsStorage use queues; this app has HTTP and timer triggers only.
//   - Storage Table Data Contributor on the account: only for host diagnostic events (portal
//     diagnostics) and Durable Functions. The app's own grant on the predictions table (below)
//     does not reach the host's diagnostic tables, so the host still writes none.
//   - Storage Account Contributor: only the (polling) blob trigger needs it.
// See the Functions docs "Connecting to host storage with an identity" (roles by extension).
resource hostStorageBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account.id, identityId, roleDefinitionIds.storageBlobDataOwner)
  scope: account
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.storageBlobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'Functions host storage (AzureWebJobsStorage) and Flex Consumption deployment package.'
  }
}

// The app's own work (ModelStorage): read training CSVs, write model versions and the champion
// alias. Scoped to the two containers so the grant stays right if host storage ever moves to a
// separate account; while both share one account the host grant above already covers them.
resource trainingDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::blobService::trainingData.id, identityId, roleDefinitionIds.storageBlobDataContributor)
  scope: account::blobService::trainingData
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'ServerlessMl: read training data snapshots.'
  }
}

resource modelsContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::blobService::models.id, identityId, roleDefinitionIds.storageBlobDataContributor)
  scope: account::blobService::models
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'ServerlessMl: model registry (versions, manifests, champion alias).'
  }
}

// Scoring drops are written by whoever delivers the rows; the app only lists and reads them.
resource scoringInputReader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::blobService::scoringInput.id, identityId, roleDefinitionIds.storageBlobDataReader)
  scope: account::blobService::scoringInput
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.storageBlobDataReader)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'ServerlessMl: read scoring drops.'
  }
}

// The live loop writes both logs (appends) and its job reads them back: Contributor, each on its
// own container only.
resource predictionLogContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::blobService::predictionLog.id, identityId, roleDefinitionIds.storageBlobDataContributor)
  scope: account::blobService::predictionLog
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'ServerlessMl: write and read the prediction log.'
  }
}

resource feedbackContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::blobService::feedback.id, identityId, roleDefinitionIds.storageBlobDataContributor)
  scope: account::blobService::feedback
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'ServerlessMl: write and read the feedback log.'
  }
}

// Scoped to the one table, not the account: the app may not create tables or touch any other.
resource predictionsContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(account::tableService::predictions.id, identityId, roleDefinitionIds.storageTableDataContributor)
  scope: account::tableService::predictions
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.storageTableDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'ServerlessMl: write and read predictions.'
  }
}

// Entra ID-authenticated telemetry (Application Insights has DisableLocalAuth).
resource telemetryPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, identityId, roleDefinitionIds.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionIds.monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'ServerlessMl: send telemetry with Entra ID (local auth disabled).'
  }
}

// Names and ids shared by several modules. Imported at compile time, so the compiled ARM JSON
// carries these values as plain template variables.

@export()
@description('Blob containers. training-data, models, scoring-input, prediction-log and feedback are the app\'s contract (see docs/DESIGN); deployments holds the Flex Consumption package.')
var containerNames = {
  trainingData: 'training-data'
  models: 'models'
  scoringInput: 'scoring-input'
  predictionLog: 'prediction-log'
  feedback: 'feedback'
  deployments: 'deployments'
}

@export()
@description('Tables in the account\'s table service. predictions holds the scores the app writes for each scoring drop.')
var tableNames = {
  predictions: 'predictions'
}

// Built-in role definition ids (the same in every tenant and cloud).
@export()
var roleDefinitionIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// Names and ids shared by several modules. Imported at compile time, so the compiled ARM JSON
// carries these values as plain template variables.

@export()
@description('Blob containers. training-data and models are the app\'s contract (see docs/DESIGN); deployments holds the Flex Consumption package.')
var containerNames = {
  trainingData: 'training-data'
  models: 'models'
  deployments: 'deployments'
}

// Built-in role definition ids (the same in every tenant and cloud).
@export()
var roleDefinitionIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// Parameters for infra/main.bicep, used by `azd up` and by
// `az deployment group create -g <rg> -f infra/main.bicep -p infra/main.bicepparam`.
// environmentName comes from AZURE_ENV_NAME (azd sets it) and seeds the resource names, so
// two environments in one resource group never collide. location defaults to the group's.
using './main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'dev')

// Flex Consumption: 2 GB instances, scale out to 40 at most, no always-ready instance
// (scale to zero: no compute billed while idle). Set alwaysReadyHttpInstances = 1 to keep one
// warm instance for the predict route and avoid cold starts, at the cost of its memory 24/7.
param instanceMemoryMB = 2048
param maximumInstanceCount = 40
param alwaysReadyHttpInstances = 0

// App settings read by ServerlessMl.
param retrainSchedule = '0 0 2 * * *'
param scoreSchedule = '0 30 * * * *'
param liveSchedule = '0 15 3 * * *'
param modelRefreshSeconds = 30
param maxBatch = 100

param tags = {
  project: 'ServerlessMl'
}

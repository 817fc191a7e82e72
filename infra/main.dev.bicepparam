// Development: smallest sizes, PostgreSQL reachable from Azure services so the app works
// without private networking. Set the two SLA_PG_ADMIN_* variables before deploying
// (docs/deploy.md shows how).
using 'main.bicep'

param environmentName = 'dev'
param functionsRuntimeVersion = '10.0'
param slaBackend = 'durable'
param durableTaskHubName = 'sladev'
param maximumInstanceCount = 40
param instanceMemoryMB = 2048
param serviceBusMaxDeliveryCount = 10
param serviceBusRequiresSession = false
param postgresSkuTier = 'Burstable'
param postgresSkuName = 'Standard_B1ms'
param postgresStorageSizeGB = 32
param postgresBackupRetentionDays = 7
param postgresHighAvailabilityMode = 'Disabled'
param postgresNetworkAccess = 'AzureServices'
param postgresAdminObjectId = readEnvironmentVariable('SLA_PG_ADMIN_OBJECT_ID')
param postgresAdminPrincipalName = readEnvironmentVariable('SLA_PG_ADMIN_NAME')
param postgresAdminPrincipalType = 'User'
param logRetentionInDays = 30
param tags = {
  workload: 'sla'
  environment: 'dev'
}

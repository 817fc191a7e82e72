// Production: zone-redundant storage and PostgreSQL, longer backups and log retention.
// PostgreSQL stays reachable from Azure services only (Entra tokens, no passwords); switch
// postgresNetworkAccess to 'Disabled' once a private endpoint and VNet integration exist.
// Set the two SLA_PG_ADMIN_* variables (an Entra group is the better administrator here).
using 'main.bicep'

param environmentName = 'prod'
param functionsRuntimeVersion = '10.0'
param slaBackend = 'durable'
param durableTaskHubName = 'slaprod'
param maximumInstanceCount = 100
param instanceMemoryMB = 2048
param storageSkuName = 'Standard_ZRS'
param serviceBusSkuName = 'Standard'
param serviceBusMaxDeliveryCount = 10
param serviceBusRequiresSession = false
param postgresSkuTier = 'GeneralPurpose'
param postgresSkuName = 'Standard_D2ds_v5'
param postgresStorageSizeGB = 64
param postgresBackupRetentionDays = 35
param postgresGeoRedundantBackup = 'Enabled'
param postgresHighAvailabilityMode = 'ZoneRedundant'
param postgresNetworkAccess = 'AzureServices'
param postgresAdminObjectId = readEnvironmentVariable('SLA_PG_ADMIN_OBJECT_ID')
param postgresAdminPrincipalName = readEnvironmentVariable('SLA_PG_ADMIN_NAME')
param postgresAdminPrincipalType = 'Group'
param logRetentionInDays = 90
param tags = {
  workload: 'sla'
  environment: 'prod'
}

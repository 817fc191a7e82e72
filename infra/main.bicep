// SLA Functions: everything the Function App needs, in one resource group, with one
// user-assigned managed identity and no keys, connection-string secrets or passwords.
// Deploy: see docs/deploy.md. App settings contract: docs/configuration.md.
targetScope = 'resourceGroup'

@description('Short workload name used in every resource name: 2-8 lowercase letters or digits.')
@minLength(2)
@maxLength(8)
param workloadName string = 'sla'

@description('Environment the deployment belongs to; part of every resource name.')
@allowed([
  'dev'
  'test'
  'prod'
])
param environmentName string

@description('Azure region of all resources; it must offer Flex Consumption and PostgreSQL flexible server.')
@minLength(1)
param location string = resourceGroup().location

@description('Tags applied to every resource.')
param tags { *: string } = {}

@description('.NET version of the isolated worker (functionAppConfig.runtime.version).')
@allowed([
  '8.0'
  '9.0'
  '10.0'
])
param functionsRuntimeVersion string = '10.0'

@description('Upper bound of Flex Consumption instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory of each Flex Consumption instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('SLA engine backend the Function App runs: durable orchestrations or the PostgreSQL polling engine.')
@allowed([
  'durable'
  'polling'
])
param slaBackend string = 'durable'

@description('Durable Functions task hub: 3-45 letters and digits, starting with a letter; distinct per app sharing the storage account.')
@minLength(3)
@maxLength(45)
param durableTaskHubName string = 'slahub'

@description('Replication SKU of the storage account.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Service Bus tier; topics need Standard or Premium.')
@allowed([
  'Standard'
  'Premium'
])
param serviceBusSkuName string = 'Standard'

@description('Deliveries of one domain event (and one notification per subscription) before it is dead-lettered.')
@minValue(1)
@maxValue(2000)
param serviceBusMaxDeliveryCount int = 10

@description('Whether the queue sla-domain-events requires sessions; fixed once the queue exists.')
param serviceBusRequiresSession bool = false

@description('Name of the default subscription on the topic sla-notifications.')
@minLength(1)
@maxLength(50)
param notificationSubscriptionName string = 'default'

@description('PostgreSQL major version.')
@allowed([
  '16'
  '17'
])
param postgresVersion string = '16'

@description('PostgreSQL compute tier. High availability needs GeneralPurpose or MemoryOptimized.')
@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param postgresSkuTier string = 'Burstable'

@description('PostgreSQL compute size; it must belong to the tier.')
@allowed([
  'Standard_B1ms'
  'Standard_B2s'
  'Standard_B2ms'
  'Standard_D2ds_v5'
  'Standard_D4ds_v5'
  'Standard_D8ds_v5'
  'Standard_E2ds_v5'
  'Standard_E4ds_v5'
])
param postgresSkuName string = 'Standard_B1ms'

@description('PostgreSQL storage size in GB (grows automatically).')
@allowed([
  32
  64
  128
  256
  512
  1024
])
param postgresStorageSizeGB int = 32

@description('Days of PostgreSQL point-in-time restore backups.')
@minValue(7)
@maxValue(35)
param postgresBackupRetentionDays int = 7

@description('Whether PostgreSQL backups are also kept in the paired region.')
@allowed([
  'Disabled'
  'Enabled'
])
param postgresGeoRedundantBackup string = 'Disabled'

@description('PostgreSQL high availability mode.')
@allowed([
  'Disabled'
  'SameZone'
  'ZoneRedundant'
])
param postgresHighAvailabilityMode string = 'Disabled'

@description('PostgreSQL network access. Disabled (default): no public endpoint, no firewall rules; add a private endpoint and VNet integration yourself. AzureServices: public endpoint reachable from Azure services only.')
@allowed([
  'Disabled'
  'AzureServices'
])
param postgresNetworkAccess string = 'Disabled'

@description('Object id of the Entra user, group or service principal that administers PostgreSQL.')
@minLength(36)
@maxLength(36)
param postgresAdminObjectId string

@description('Name of the PostgreSQL Entra administrator: the user principal name of a user, the display name of a group or service principal.')
@minLength(1)
@maxLength(128)
param postgresAdminPrincipalName string

@description('Kind of the PostgreSQL Entra administrator.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param postgresAdminPrincipalType string = 'User'

@description('Days the Log Analytics workspace keeps data.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

var baseName = '${workloadName}-${environmentName}'
var uniqueSuffix = uniqueString(subscription().id, resourceGroup().id, workloadName, environmentName)
var databaseName = 'sla'

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-${baseName}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: 'log-${baseName}'
    appInsightsName: 'appi-${baseName}'
    location: location
    retentionInDays: logRetentionInDays
    principalId: identity.outputs.principalId
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take('st${workloadName}${environmentName}${uniqueSuffix}', 24)
    location: location
    skuName: storageSkuName
    deploymentContainerName: 'app-package'
    principalId: identity.outputs.principalId
    tags: tags
  }
}

module serviceBus 'modules/serviceBus.bicep' = {
  name: 'serviceBus'
  params: {
    name: 'sb-${baseName}-${uniqueSuffix}'
    location: location
    skuName: serviceBusSkuName
    maxDeliveryCount: serviceBusMaxDeliveryCount
    requiresSession: serviceBusRequiresSession
    notificationSubscriptionName: notificationSubscriptionName
    principalId: identity.outputs.principalId
    tags: tags
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    name: 'psql-${baseName}-${uniqueSuffix}'
    location: location
    version: postgresVersion
    skuTier: postgresSkuTier
    skuName: postgresSkuName
    storageSizeGB: postgresStorageSizeGB
    backupRetentionDays: postgresBackupRetentionDays
    geoRedundantBackup: postgresGeoRedundantBackup
    highAvailabilityMode: postgresHighAvailabilityMode
    networkAccess: postgresNetworkAccess
    databaseName: databaseName
    adminObjectId: postgresAdminObjectId
    adminPrincipalName: postgresAdminPrincipalName
    adminPrincipalType: postgresAdminPrincipalType
    tags: tags
  }
}

// Depends (through the outputs it uses) on every module above, so the role assignments exist
// before the app starts.
module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  params: {
    planName: 'plan-${baseName}'
    name: 'func-${baseName}-${uniqueSuffix}'
    location: location
    runtimeVersion: functionsRuntimeVersion
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    identityName: identity.outputs.name
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appInsightsName: monitoring.outputs.appInsightsName
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    postgresHost: postgres.outputs.fullyQualifiedDomainName
    databaseName: postgres.outputs.databaseName
    durableTaskHubName: durableTaskHubName
    slaBackend: slaBackend
    tags: tags
  }
}

@description('Name of the function app.')
output functionAppName string = functionApp.outputs.name

@description('Default host name of the function app (https://<this>/api/health).')
output functionAppHostName string = functionApp.outputs.defaultHostName

@description('Name of the Service Bus namespace.')
output serviceBusNamespaceName string = serviceBus.outputs.name

@description('Fully qualified Service Bus namespace.')
output serviceBusNamespace string = serviceBus.outputs.fullyQualifiedNamespace

@description('Name of the PostgreSQL server.')
output postgresServerName string = postgres.outputs.name

@description('Host name of the PostgreSQL server.')
output postgresHost string = postgres.outputs.fullyQualifiedDomainName

@description('Name of the managed identity, which is also its PostgreSQL role name.')
output identityName string = identity.outputs.name

@description('Client id of the managed identity.')
output identityClientId string = identity.outputs.clientId

// Azure Database for PostgreSQL flexible server, Entra authentication only (password auth off).
// The Entra administrator is a person or group given by parameter; the function's managed
// identity gets its own non-admin role with one SQL statement after deployment (docs/deploy.md).

@description('Name of the server: 3-63 lowercase letters, digits and hyphens, globally unique.')
@minLength(3)
@maxLength(63)
param name string

@description('Azure region of the server.')
@minLength(1)
param location string

@description('PostgreSQL major version.')
@allowed([
  '16'
  '17'
])
param version string

@description('Compute tier. High availability needs GeneralPurpose or MemoryOptimized.')
@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string

@description('Compute size; must belong to the tier.')
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
param skuName string

@description('Storage size in GB.')
@allowed([
  32
  64
  128
  256
  512
  1024
])
param storageSizeGB int

@description('Days of point-in-time restore backups.')
@minValue(7)
@maxValue(35)
param backupRetentionDays int

@description('Whether backups are also copied to the paired region.')
@allowed([
  'Disabled'
  'Enabled'
])
param geoRedundantBackup string

@description('High availability mode.')
@allowed([
  'Disabled'
  'SameZone'
  'ZoneRedundant'
])
param highAvailabilityMode string

@description('Network access: Disabled = no public endpoint and no firewall rules (reach it through a private endpoint you add); AzureServices = public endpoint open to Azure services only.')
@allowed([
  'Disabled'
  'AzureServices'
])
param networkAccess string

@description('Name of the application database.')
@minLength(1)
@maxLength(63)
param databaseName string

@description('Object id of the Entra user, group or service principal that administers the server.')
@minLength(36)
@maxLength(36)
param adminObjectId string

@description('Display name (user principal name for a user) of the Entra administrator.')
@minLength(1)
@maxLength(128)
param adminPrincipalName string

@description('Kind of the Entra administrator.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param adminPrincipalType string

@description('Tags applied to the server.')
param tags { *: string }

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    createMode: 'Default'
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: tenant().tenantId
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: backupRetentionDays
      geoRedundantBackup: geoRedundantBackup
    }
    highAvailability: {
      mode: highAvailabilityMode
    }
    network: {
      publicNetworkAccess: networkAccess == 'Disabled' ? 'Disabled' : 'Enabled'
    }
  }
}

// The server accepts one change at a time, so the child resources are chained.
resource admin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: server
  name: adminObjectId
  properties: {
    principalName: adminPrincipalName
    principalType: adminPrincipalType
    tenantId: tenant().tenantId
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  dependsOn: [
    admin
  ]
}

// 0.0.0.0-0.0.0.0 is the documented marker for "allow Azure services"; no client IP ranges.
resource allowAzureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (networkAccess == 'AzureServices') {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  dependsOn: [
    database
  ]
}

@description('Name of the server.')
output name string = server.name

@description('Host name clients connect to.')
output fullyQualifiedDomainName string = server.properties.fullyQualifiedDomainName

@description('Name of the application database.')
output databaseName string = database.name

// Flex Consumption plan + Linux function app (.NET isolated) running as the user-assigned identity.
// Every connection is identity-based: no keys, no connection strings with secrets, no passwords.
// The setting names are the contract with the app code; docs/configuration.md lists them all.

@description('Name of the Flex Consumption plan.')
@minLength(1)
@maxLength(60)
param planName string

@description('Name of the function app: globally unique, 2-60 characters.')
@minLength(2)
@maxLength(60)
param name string

@description('Azure region of the plan and the app.')
@minLength(1)
param location string

@description('.NET version of the isolated worker.')
@allowed([
  '8.0'
  '9.0'
  '10.0'
])
param runtimeVersion string

@description('Upper bound of instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory of each instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Resource id of the user-assigned managed identity.')
@minLength(1)
param identityId string

@description('Client id of the user-assigned managed identity.')
@minLength(36)
@maxLength(36)
param identityClientId string

@description('Name of the identity, which is also its PostgreSQL role name.')
@minLength(3)
@maxLength(128)
param identityName string

@description('Name of the storage account used by the host and the task hub.')
@minLength(3)
@maxLength(24)
param storageAccountName string

@description('URL of the blob container holding the deployment package.')
@minLength(1)
param deploymentContainerUrl string

@description('Name of the Application Insights component.')
@minLength(1)
param appInsightsName string

@description('Fully qualified Service Bus namespace (<name>.servicebus.windows.net).')
@minLength(1)
param serviceBusFullyQualifiedNamespace string

@description('Host name of the PostgreSQL server.')
@minLength(1)
param postgresHost string

@description('Name of the application database.')
@minLength(1)
param databaseName string

@description('Durable Functions task hub name.')
@minLength(3)
@maxLength(45)
param durableTaskHubName string

@description('SLA engine backend.')
@allowed([
  'durable'
  'polling'
])
param slaBackend string

@description('Tags applied to the plan and the app.')
param tags { *: string }

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

var appSettings = [
  { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  { name: 'DurableTaskHubName', value: durableTaskHubName }
  { name: 'ServiceBusConnection__fullyQualifiedNamespace', value: serviceBusFullyQualifiedNamespace }
  { name: 'ServiceBusConnection__credential', value: 'managedidentity' }
  { name: 'ServiceBusConnection__clientId', value: identityClientId }
  { name: 'Sla__Backend', value: slaBackend }
  {
    name: 'Sla__Database__ConnectionString'
    value: 'Host=${postgresHost};Database=${databaseName};Username=${identityName};SSL Mode=Require'
  }
  { name: 'Sla__Database__EntraAuthentication', value: 'true' }
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
]

resource app 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: tags
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
    publicNetworkAccess: 'Enabled'
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: runtimeVersion
      }
    }
    siteConfig: {
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      appSettings: appSettings
    }
  }
}

// Basic (user name + password) publishing credentials are off for FTP and SCM;
// deployments authenticate with Entra ID.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-11-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('Name of the function app.')
output name string = app.name

@description('Default host name of the function app.')
output defaultHostName string = app.properties.defaultHostName

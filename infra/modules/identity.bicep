// User-assigned managed identity: the one principal the function app uses for storage,
// Service Bus, Application Insights and PostgreSQL. No keys or passwords exist anywhere.

@description('Name of the user-assigned managed identity.')
@minLength(3)
@maxLength(128)
param name string

@description('Azure region of the identity.')
@minLength(1)
param location string

@description('Tags applied to the identity.')
param tags { *: string }

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity.')
output id string = identity.id

@description('Name of the identity; also its PostgreSQL role name.')
output name string = identity.name

@description('Client (application) id of the identity.')
output clientId string = identity.properties.clientId

@description('Object (principal) id of the identity, used by role assignments.')
output principalId string = identity.properties.principalId

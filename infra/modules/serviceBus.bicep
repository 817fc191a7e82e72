// Service Bus namespace with local (SAS key) auth disabled. Domain events come in on the queue
// `sla-domain-events`; fired notifications go out on the topic `sla-notifications`.
// The identity may only receive from the queue and only send to the topic.

@description('Name of the Service Bus namespace: 6-50 characters, globally unique.')
@minLength(6)
@maxLength(50)
param name string

@description('Azure region of the namespace.')
@minLength(1)
param location string

@description('Service Bus tier; topics need Standard or Premium.')
@allowed([
  'Standard'
  'Premium'
])
param skuName string

@description('Deliveries of one domain event before Service Bus moves it to the dead-letter queue.')
@minValue(1)
@maxValue(2000)
param maxDeliveryCount int

@description('Whether the domain-event queue requires sessions. Fixed once the queue exists.')
param requiresSession bool

@description('Name of the default subscription on the notification topic.')
@minLength(1)
@maxLength(50)
param notificationSubscriptionName string

@description('Object id of the managed identity that receives events and sends notifications.')
@minLength(36)
@maxLength(36)
param principalId string

@description('Tags applied to the namespace.')
param tags { *: string }

// Built-in roles, each scoped to one entity rather than the namespace.
var serviceBusDataReceiverRoleId = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
var serviceBusDataSenderRoleId = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuName
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource domainEvents 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: 'sla-domain-events'
  properties: {
    deadLetteringOnMessageExpiration: true
    maxDeliveryCount: maxDeliveryCount
    requiresSession: requiresSession
    requiresDuplicateDetection: false
    lockDuration: 'PT1M'
  }
}

resource notifications 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: 'sla-notifications'
  properties: {
    supportOrdering: true
    // The outbox publishes at least once with the notification id as MessageId: the broker drops a
    // re-send within the window, consumers drop any later one by the same id. Fixed once the topic exists.
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT1H'
  }
}

resource defaultSubscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = {
  parent: notifications
  name: notificationSubscriptionName
  properties: {
    deadLetteringOnMessageExpiration: true
    maxDeliveryCount: maxDeliveryCount
    lockDuration: 'PT1M'
  }
}

resource queueReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(domainEvents.id, principalId, serviceBusDataReceiverRoleId)
  scope: domainEvents
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataReceiverRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource topicSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(notifications.id, principalId, serviceBusDataSenderRoleId)
  scope: notifications
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataSenderRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Name of the namespace.')
output name string = namespace.name

@description('Fully qualified namespace, as identity-based connections expect it.')
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'

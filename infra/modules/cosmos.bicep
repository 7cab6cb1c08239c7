// One Cosmos DB (NoSQL) account for one residency region, with database `followup` and the six
// containers the app uses. Every container is partitioned on /region (see infra/README.md for why
// proposals are not hierarchical). Local (key) auth is disabled: Entra ID data-plane RBAC only.
param location string
param tags object
param name string
param databaseName string = 'followup'

@description('Serverless suits the bursty, low-volume load; set false for provisioned throughput.')
param serverless bool = true

var containerNames = ['proposals', 'audit', 'prompts', 'outbox', 'exceptions', 'conversations', 'snippets']

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [{ locationName: location, failoverPriority: 0, isZoneRedundant: false }]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    disableLocalAuth: true
    minimalTlsVersion: 'Tls12'
    capabilities: serverless ? [{ name: 'EnableServerless' }] : []
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: account
  name: databaseName
  properties: { resource: { id: databaseName } }
}

resource containers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = [for container in containerNames: {
  parent: database
  name: container
  properties: {
    resource: {
      id: container
      partitionKey: { paths: ['/region'], kind: 'Hash', version: 2 }
    }
  }
}]

output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name

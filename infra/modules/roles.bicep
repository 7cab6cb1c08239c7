// Least-privilege data-plane access for the Function App's managed identity:
//   Cosmos DB Built-in Data Contributor  each account, scoped to the `followup` database only
//   Cognitive Services OpenAI User        each Azure OpenAI account (inference, no management)
//   Key Vault Secrets User                the vault (read secret values, nothing else)
//   Storage Blob Data Owner               the host storage account (Functions host + deployment blobs)
// and, when a deployer id is given, Key Vault Secrets Officer so IT can store the two secrets.
param functionPrincipalId string
param deployerPrincipalId string = ''
param cosmosAccountNames array
param cosmosDatabaseName string
param openAiAccountNames array
param keyVaultName string
param storageAccountName string

var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'
var openAiUser = '5e0bd9bd-7b93-4f28-af87-19fc36ad61fd'
var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var secretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
var blobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'

resource cosmosAccounts 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' existing = [for name in cosmosAccountNames: {
  name: name
}]

resource cosmosData 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = [for (name, i) in cosmosAccountNames: {
  parent: cosmosAccounts[i]
  name: guid(cosmosAccounts[i].id, functionPrincipalId, cosmosDataContributor)
  properties: {
    roleDefinitionId: '${cosmosAccounts[i].id}/sqlRoleDefinitions/${cosmosDataContributor}'
    principalId: functionPrincipalId
    scope: '${cosmosAccounts[i].id}/dbs/${cosmosDatabaseName}'
  }
}]

resource openAiAccounts 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = [for name in openAiAccountNames: {
  name: name
}]

resource openAiAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (name, i) in openAiAccountNames: {
  scope: openAiAccounts[i]
  name: guid(openAiAccounts[i].id, functionPrincipalId, openAiUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAiUser)
    principalId: functionPrincipalId
    principalType: 'ServicePrincipal'
  }
}]

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource secretsRead 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, functionPrincipalId, secretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
    principalId: functionPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource secretsWrite 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  scope: vault
  name: guid(vault.id, deployerPrincipalId, secretsOfficer)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficer)
    principalId: deployerPrincipalId
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource hostStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, functionPrincipalId, blobDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataOwner)
    principalId: functionPrincipalId
    principalType: 'ServicePrincipal'
  }
}

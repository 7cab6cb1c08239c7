// Sales Follow-Up Copilot: everything `azd up` provisions.
//
// One resource group holding: the Function App (Flex Consumption, Python 3.11, system-assigned
// identity), its storage account, Application Insights + Log Analytics, Key Vault, the Azure Bot
// (Teams channel), and per residency region one Cosmos DB account and one Azure OpenAI account
// (EU: westeurope, US: eastus). The function reaches all of them with its managed identity; no
// keys are issued (local auth is disabled on Cosmos DB and Azure OpenAI).
// Every parameter is documented in infra/README.md.
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('azd environment name; names the resource group and seeds resource names.')
param environmentName string

@minLength(1)
@description('Region of the Function App, storage, monitoring, Key Vault (azd asks for it).')
param location string

@description('Region of the EU residency data: Cosmos DB + Azure OpenAI for eu-west.')
param euLocation string = 'westeurope'

@description('Region of the US residency data: Cosmos DB + Azure OpenAI for us-east.')
param usLocation string = 'eastus'

@description('Application (client) id of the single-tenant Entra app registration the bot signs in as (customer supplied).')
param botAppId string

@description('Object id of the person running azd; gets Key Vault Secrets Officer to store the two secrets. Empty: no assignment.')
param principalId string = ''

@description('Trust-layer policy file inside the deployed app.')
param policyPath string = '/home/site/wwwroot/governance/trust_layer.yaml'

@description('Scratch directory for local files (sandbox CRM when Salesforce is not configured).')
param dataDir string = '/tmp/followup'

@allowed(['cosmos', 'sqlite'])
@description('Proposal/audit store. cosmos in Azure; sqlite only for a throw-away trial.')
param store string = 'cosmos'

@allowed(['azure', 'offline'])
@description('azure: Azure OpenAI per region; offline: rule-based extractor only, no model calls.')
param llm string = 'azure'

@description('Model deployment name (same in both regions) and FOLLOWUP_OPENAI_DEPLOYMENT.')
param openAiDeploymentName string = 'gpt-4o-mini'

@description('Model to deploy.')
param openAiModelName string = 'gpt-4o-mini'

@description('Model version.')
param openAiModelVersion string = '2024-07-18'

@allowed(['DataZoneStandard', 'Standard', 'GlobalStandard'])
@description('Deployment type. DataZoneStandard keeps processing inside the EU / US data zone; GlobalStandard does not.')
param openAiSkuName string = 'DataZoneStandard'

@description('Deployment capacity in thousands of tokens per minute.')
param openAiCapacity int = 30

@description('Salesforce instance URL, e.g. https://acme.my.salesforce.com (customer supplied). Empty: the app uses its local sandbox CRM.')
param sfInstanceUrl string = ''

@description('Consumer key of the Salesforce connected app (customer supplied).')
param sfConsumerKey string = ''

@description('Salesforce integration user name the JWT is issued for (customer supplied).')
param sfUsername string = ''

@allowed(['login', 'test'])
@description('login for production orgs, test for sandboxes.')
param sfDomain string = 'login'

@description('Entra group id (or user object id) -> policy role, e.g. {"<group-guid>": "Manager"} (customer supplied).')
param roleMap object = {}

@description('Teams conversation id for Finance notifications (customer supplied, optional).')
param financeChannel string = ''

@description('Teams conversation id for the RevOps daily brief and alerts (customer supplied, optional).')
param revopsChannel string = ''

@allowed(['F0', 'S1'])
@description('Azure Bot pricing tier; Teams is a standard channel, free on both.')
param botSku string = 'F0'

@description('Maximum Flex Consumption instances.')
param maximumInstanceCount int = 40

@allowed([512, 2048, 4096])
@description('Memory per Flex Consumption instance (MB).')
param instanceMemoryMB int = 2048

var tags = { 'azd-env-name': environmentName, app: 'sales-followup-copilot' }
var token = toLower(uniqueString(subscription().id, environmentName, location))
var sfPrivateKeySecret = 'salesforce-private-key'
var botPasswordSecret = 'bot-app-password'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  scope: rg
  name: 'monitoring'
  params: { location: location, tags: tags, token: token }
}

module storage 'modules/storage.bicep' = {
  scope: rg
  name: 'storage'
  params: { location: location, tags: tags, name: 'stfu${token}' }
}

module vault 'modules/keyvault.bicep' = {
  scope: rg
  name: 'keyvault'
  params: { location: location, tags: tags, name: 'kv-fu-${token}' }
}

module cosmosEu 'modules/cosmos.bicep' = {
  scope: rg
  name: 'cosmos-eu-west'
  params: { location: euLocation, tags: union(tags, { region: 'eu-west' }), name: 'cosmos-fu-eu-${token}' }
}

module cosmosUs 'modules/cosmos.bicep' = {
  scope: rg
  name: 'cosmos-us-east'
  params: { location: usLocation, tags: union(tags, { region: 'us-east' }), name: 'cosmos-fu-us-${token}' }
}

module openAiEu 'modules/openai.bicep' = {
  scope: rg
  name: 'openai-eu-west'
  params: {
    location: euLocation
    tags: union(tags, { region: 'eu-west' })
    name: 'oai-fu-eu-${token}'
    deploymentName: openAiDeploymentName
    modelName: openAiModelName
    modelVersion: openAiModelVersion
    skuName: openAiSkuName
    capacity: openAiCapacity
  }
}

module openAiUs 'modules/openai.bicep' = {
  scope: rg
  name: 'openai-us-east'
  params: {
    location: usLocation
    tags: union(tags, { region: 'us-east' })
    name: 'oai-fu-us-${token}'
    deploymentName: openAiDeploymentName
    modelName: openAiModelName
    modelVersion: openAiModelVersion
    skuName: openAiSkuName
    capacity: openAiCapacity
  }
}

// The names below are the ones followup/config.py reads; tests/unit/test_infra_settings.py keeps
// this list and the code in step.
var appSettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  FOLLOWUP_POLICY_PATH: policyPath
  FOLLOWUP_DATA_DIR: dataDir
  FOLLOWUP_STORE: store
  FOLLOWUP_COSMOS_ENDPOINT_EU_WEST: cosmosEu.outputs.endpoint
  FOLLOWUP_COSMOS_ENDPOINT_US_EAST: cosmosUs.outputs.endpoint
  FOLLOWUP_COSMOS_DATABASE: cosmosEu.outputs.databaseName
  FOLLOWUP_LLM: llm
  FOLLOWUP_OPENAI_ENDPOINT_EU_WEST: openAiEu.outputs.endpoint
  FOLLOWUP_OPENAI_ENDPOINT_US_EAST: openAiUs.outputs.endpoint
  FOLLOWUP_OPENAI_DEPLOYMENT: openAiDeploymentName
  FOLLOWUP_SF_INSTANCE_URL: sfInstanceUrl
  FOLLOWUP_SF_CONSUMER_KEY: sfConsumerKey
  FOLLOWUP_SF_USERNAME: sfUsername
  FOLLOWUP_SF_DOMAIN: sfDomain
  // Key Vault references: the platform resolves them with the function's identity
  FOLLOWUP_SF_PRIVATE_KEY: empty(sfInstanceUrl) ? '' : '@Microsoft.KeyVault(VaultName=${vault.outputs.name};SecretName=${sfPrivateKeySecret})'
  MicrosoftAppId: botAppId
  MicrosoftAppType: 'SingleTenant'
  MicrosoftAppTenantId: tenant().tenantId
  MicrosoftAppPassword: '@Microsoft.KeyVault(VaultName=${vault.outputs.name};SecretName=${botPasswordSecret})'
  FOLLOWUP_ROLE_MAP: string(roleMap)
  FOLLOWUP_FINANCE_CHANNEL: financeChannel
  FOLLOWUP_REVOPS_CHANNEL: revopsChannel
}

module functionApp 'modules/function.bicep' = {
  scope: rg
  name: 'function'
  params: {
    location: location
    tags: tags
    name: 'func-fu-${token}'
    planName: 'plan-fu-${token}'
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    appSettings: appSettings
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

module bot 'modules/bot.bicep' = {
  scope: rg
  name: 'bot'
  params: {
    tags: tags
    name: 'bot-fu-${token}'
    appId: botAppId
    tenantId: tenant().tenantId
    endpoint: 'https://${functionApp.outputs.hostName}/api/messages'
    sku: botSku
  }
}

module roles 'modules/roles.bicep' = {
  scope: rg
  name: 'roles'
  params: {
    functionPrincipalId: functionApp.outputs.principalId
    deployerPrincipalId: principalId
    cosmosAccountNames: [cosmosEu.outputs.name, cosmosUs.outputs.name]
    cosmosDatabaseName: cosmosEu.outputs.databaseName
    openAiAccountNames: [openAiEu.outputs.name, openAiUs.outputs.name]
    keyVaultName: vault.outputs.name
    storageAccountName: storage.outputs.name
  }
}

output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_HOSTNAME string = functionApp.outputs.hostName
output BOT_ENDPOINT string = 'https://${functionApp.outputs.hostName}/api/messages'
output BOT_ID string = botAppId
output AZURE_KEY_VAULT_NAME string = vault.outputs.name
output SF_PRIVATE_KEY_SECRET_NAME string = sfPrivateKeySecret
output BOT_PASSWORD_SECRET_NAME string = botPasswordSecret
output FOLLOWUP_COSMOS_ENDPOINT_EU_WEST string = cosmosEu.outputs.endpoint
output FOLLOWUP_COSMOS_ENDPOINT_US_EAST string = cosmosUs.outputs.endpoint
output FOLLOWUP_OPENAI_ENDPOINT_EU_WEST string = openAiEu.outputs.endpoint
output FOLLOWUP_OPENAI_ENDPOINT_US_EAST string = openAiUs.outputs.endpoint

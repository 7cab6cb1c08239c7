"""Cheap consistency checks between infra/ (Bicep, azd) and the code that reads the settings.

No Azure call: the Bicep files are read as text. What this proves: azd finds the service, every
app setting the app needs is set by main.bicep, every FOLLOWUP_* name there is one config.py
reads, every module and parameter file entry exists, every parameter is documented.
"""
from __future__ import annotations

import json
import re

import pytest
import yaml

from followup.adapters import cosmos_records, cosmos_snippets
from followup.config import Settings

REQUIRED_SETTINGS = [
    "FOLLOWUP_POLICY_PATH", "FOLLOWUP_DATA_DIR", "FOLLOWUP_STORE",
    "FOLLOWUP_COSMOS_ENDPOINT_US_EAST", "FOLLOWUP_COSMOS_ENDPOINT_EU_WEST",
    "FOLLOWUP_OPENAI_ENDPOINT_US_EAST", "FOLLOWUP_OPENAI_ENDPOINT_EU_WEST", "FOLLOWUP_OPENAI_DEPLOYMENT",
    "FOLLOWUP_SF_INSTANCE_URL", "FOLLOWUP_SF_CONSUMER_KEY", "FOLLOWUP_SF_USERNAME", "FOLLOWUP_SF_PRIVATE_KEY",
    "FOLLOWUP_SF_DOMAIN", "MicrosoftAppId", "MicrosoftAppType", "MicrosoftAppTenantId", "FOLLOWUP_ROLE_MAP",
    "FOLLOWUP_FINANCE_CHANNEL", "FOLLOWUP_REVOPS_CHANNEL", "APPLICATIONINSIGHTS_CONNECTION_STRING",
]
CONTAINERS = [*cosmos_records.CONTAINERS, cosmos_snippets.CONTAINER]  # every container the app opens


@pytest.fixture(scope="module")
def infra(request):
    return request.config.rootpath / "infra"


@pytest.fixture(scope="module")
def main_bicep(infra) -> str:
    return (infra / "main.bicep").read_text()


@pytest.fixture(scope="module")
def app_settings(main_bicep) -> dict[str, str]:
    block = re.search(r"^var appSettings = \{\n(.*?)^\}", main_bicep, re.S | re.M)
    assert block, "main.bicep has no `var appSettings = { ... }` block"
    pairs = re.findall(r"^\s+([A-Za-z_]+):\s*(.+)$", block.group(1), re.M)
    return dict(pairs)


def test_azure_yaml_names_the_python_function_service(request):
    config = yaml.safe_load((request.config.rootpath / "azure.yaml").read_text())
    assert config["services"]["api"] == {"project": ".", "language": "python", "host": "function"}
    assert config["infra"]["path"] == "infra" and config["infra"]["module"] == "main"


def test_function_app_is_tagged_for_the_azd_service(infra):
    assert "'azd-service-name': 'api'" in (infra / "modules" / "function.bicep").read_text()


@pytest.mark.parametrize("name", REQUIRED_SETTINGS)
def test_every_setting_the_app_needs_is_set_by_main_bicep(app_settings, name):
    assert name in app_settings, f"{name} missing from main.bicep appSettings"


def test_every_followup_setting_in_bicep_is_one_config_py_reads(app_settings):
    fields = Settings.model_fields
    aliases = {alias for field in fields.values() if field.validation_alias is not None
               for alias in getattr(field.validation_alias, "choices", [])}
    for name in app_settings:
        if name.startswith("FOLLOWUP_"):
            assert name.removeprefix("FOLLOWUP_").lower() in fields, f"config.py does not read {name}"
        elif name.startswith("Microsoft"):
            assert name in aliases, f"config.py does not read {name}"


def test_secrets_are_key_vault_references_not_values(app_settings):
    assert "@Microsoft.KeyVault(" in app_settings["FOLLOWUP_SF_PRIVATE_KEY"]
    assert "@Microsoft.KeyVault(" in app_settings["MicrosoftAppPassword"]
    assert app_settings["MicrosoftAppType"] == "'SingleTenant'"


def test_flex_consumption_python_311_with_system_identity(infra):
    text = (infra / "modules" / "function.bicep").read_text()
    assert "name: 'FC1', tier: 'FlexConsumption'" in text
    assert "runtime: { name: 'python', version: '3.11' }" in text
    assert "identity: { type: 'SystemAssigned' }" in text
    assert "FUNCTIONS_WORKER_RUNTIME" not in re.sub(r"//.*", "", text)  # not allowed on Flex


def test_each_region_gets_its_own_cosmos_and_openai_account(main_bicep, infra):
    for module in ("cosmosEu", "cosmosUs", "openAiEu", "openAiUs"):
        assert f"module {module} " in main_bicep
    assert "param euLocation string = 'westeurope'" in main_bicep
    assert "param usLocation string = 'eastus'" in main_bicep
    cosmos = (infra / "modules" / "cosmos.bicep").read_text()
    assert json.loads(re.search(r"containerNames = (\[.*?\])", cosmos).group(1).replace("'", '"')) == CONTAINERS
    assert "paths: ['/region']" in cosmos and "disableLocalAuth: true" in cosmos


def test_function_identity_gets_the_three_data_roles(infra):
    roles = (infra / "modules" / "roles.bicep").read_text()
    for role_id in ("00000000-0000-0000-0000-000000000002",  # Cosmos DB Built-in Data Contributor
                    "5e0bd9bd-7b93-4f28-af87-19fc36ad61fd",  # Cognitive Services OpenAI User
                    "4633458b-17de-408a-b874-0445c86b69e6"):  # Key Vault Secrets User
        assert role_id in roles
    for broad in ("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "b24988ac-6180-42a0-ab88-20f7382dd24c"):  # Owner, Contributor
        assert broad not in roles
    # the Cosmos role is scoped to the database, not the whole account
    assert "scope: '${cosmosAccounts[i].id}/dbs/${cosmosDatabaseName}'" in roles


def test_every_module_main_bicep_uses_exists(main_bicep, infra):
    modules = re.findall(r"^module \w+ '([^']+)'", main_bicep, re.M)
    assert len(modules) >= 8
    for path in modules:
        assert (infra / path).is_file(), path


def test_parameter_file_only_names_parameters_main_bicep_declares(main_bicep, infra):
    declared = set(re.findall(r"^param (\w+) ", main_bicep, re.M))
    given = set(json.loads((infra / "main.parameters.json").read_text())["parameters"])
    assert given <= declared, given - declared


def test_every_parameter_is_documented_in_the_infra_readme(main_bicep, infra):
    readme = (infra / "README.md").read_text()
    for name in re.findall(r"^param (\w+) ", main_bicep, re.M):
        assert f"`{name}`" in readme, f"parameter {name} not documented in infra/README.md"

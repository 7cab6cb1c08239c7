"""Settings: the only module that reads the environment.

Every setting is documented in README.md and ``local.settings.json.example``. Region-specific
endpoints are named ``..._<REGION>`` with the region upper-cased and dashes as underscores
(``FOLLOWUP_COSMOS_ENDPOINT_EU_WEST``).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from governance.policy import DEFAULT_POLICY_PATH


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FOLLOWUP_", extra="ignore", populate_by_name=True)

    policy_path: Path = DEFAULT_POLICY_PATH
    data_dir: Path = Path(".data")
    evidence_dir: Path | None = None  # local mirror of logging.evidence_store (a mounted container); default data_dir/evidence
    store: Literal["sqlite", "cosmos"] = "sqlite"
    cosmos_database: str = "followup"
    cosmos_endpoint_us_east: str | None = None
    cosmos_endpoint_eu_west: str | None = None
    cosmos_key: str | None = None  # empty: managed identity (DefaultAzureCredential)
    # recap playbook search in the region's Cosmos account (when its endpoint is set): BM25 ranked by
    # the app (any account) or Cosmos DB's native full-text search (Azure accounts with a full-text policy)
    snippet_search: Literal["bm25", "fulltext"] = "bm25"

    llm: Literal["offline", "azure", "openai"] = "offline"
    openai_endpoint_us_east: str | None = None
    openai_endpoint_eu_west: str | None = None
    openai_deployment: str = "gpt-4o-mini"
    openai_api_version: str = "2024-10-21"
    openai_api_key: str | None = None  # empty with llm=azure: Entra token via DefaultAzureCredential
    llm_timeout_s: float = 20.0

    sf_instance_url: str | None = None
    sf_domain: Literal["login", "test"] = "login"
    sf_consumer_key: str | None = None
    sf_username: str | None = None
    sf_private_key: str | None = None  # PEM text or a Key Vault reference resolved by the platform
    sf_consumer_secret: str | None = None  # username/password flow only
    sf_password: str | None = None
    sf_security_token: str | None = None
    sf_api_version: str = "62.0"

    app_id: str | None = Field(default=None, validation_alias=AliasChoices("MicrosoftAppId", "FOLLOWUP_APP_ID"))
    app_password: str | None = Field(default=None, validation_alias=AliasChoices("MicrosoftAppPassword", "FOLLOWUP_APP_PASSWORD"))
    app_type: str = Field(default="SingleTenant", validation_alias=AliasChoices("MicrosoftAppType", "FOLLOWUP_APP_TYPE"))
    app_tenant_id: str | None = Field(default=None, validation_alias=AliasChoices("MicrosoftAppTenantId", "FOLLOWUP_APP_TENANT_ID"))

    role_map: dict[str, str] = Field(default_factory=dict)  # Entra group id or user object id -> policy role
    default_role: str = "AE"
    finance_channel: str | None = None
    revops_channel: str | None = None

    @field_validator("role_map", mode="before")
    @classmethod
    def _json(cls, value):
        if isinstance(value, str):
            return json.loads(value) if value.strip() else {}
        return value

    def region_setting(self, kind: Literal["cosmos_endpoint", "openai_endpoint"], region: str) -> str | None:
        return getattr(self, f"{kind}_{region.replace('-', '_').lower()}", None)

    @property
    def salesforce_configured(self) -> bool:
        return bool(self.sf_username and self.sf_consumer_key and (self.sf_private_key or self.sf_password))


def load_settings(**overrides) -> Settings:
    """Read settings from the environment (and ``overrides``); called lazily, never at import."""
    return Settings(**overrides)


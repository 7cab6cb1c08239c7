"""Connection settings for the Salesforce adapter (filled by ``followup.config``, never from the environment here)."""
from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

from followup.errors import ConfigError

LOGIN_HOSTS = {"login": "https://login.salesforce.com", "test": "https://test.salesforce.com"}


class SalesforceSettings(BaseModel):
    """How to reach one org.

    Auth: the OAuth 2.0 JWT bearer flow when ``consumer_key`` + ``private_key_pem`` + ``username`` are set,
    else the OAuth username-password flow (``consumer_key`` + ``consumer_secret`` + ``username`` +
    ``password`` + ``security_token``).
    """

    username: str
    consumer_key: str
    private_key_pem: str | None = None
    consumer_secret: str | None = None
    password: str | None = None
    security_token: str = ""
    domain: str = Field("login", description="'login' (production) or 'test' (sandbox); picks the JWT audience")
    token_url: str | None = Field(None, description="OAuth token endpoint; default https://<domain>.salesforce.com/services/oauth2/token")
    instance_url: str | None = Field(None, description="overrides the instance_url the token endpoint answers")
    api_version: str = "59.0"
    timeout_seconds: float = 20.0
    verify: bool | str = Field(True, description="TLS verification: True, False or a CA bundle path")
    label: str = "Salesforce"

    @model_validator(mode="after")
    def _one_flow(self) -> "SalesforceSettings":
        if self.domain not in LOGIN_HOSTS:
            raise ConfigError(f"salesforce domain must be one of {sorted(LOGIN_HOSTS)}, not {self.domain!r}")
        if not self.private_key_pem and not (self.consumer_secret and self.password):
            raise ConfigError("salesforce auth needs private_key_pem (JWT bearer) or consumer_secret + password")
        return self

    @property
    def audience(self) -> str:
        return LOGIN_HOSTS[self.domain]

    @property
    def oauth_token_url(self) -> str:
        return self.token_url or f"{self.audience}/services/oauth2/token"

    @property
    def flow(self) -> str:
        return "jwt-bearer" if self.private_key_pem else "password"

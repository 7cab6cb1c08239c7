"""OpenAI / Azure OpenAI chat client per residency region.

Each region has its own endpoint and deployment (EU accounts must be served by the EU endpoint);
settings come in as plain parameters. With ``kind="azure"`` and no api key, the client uses an
Entra token (``DefaultAzureCredential``); ``kind="openai"`` talks to any OpenAI-compatible
``base_url``. SDK errors are translated to ``LlmError`` here and nowhere else.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Literal

from pydantic import BaseModel

from followup.errors import ConfigError, LlmError, ResidencyViolation

AZURE_SCOPE = "https://cognitiveservices.azure.com/.default"


class LlmEndpoint(BaseModel):
    endpoint: str
    deployment: str
    api_key: str | None = None
    api_version: str = "2024-10-21"
    kind: Literal["azure", "openai"] = "azure"


@dataclass
class LlmReply:
    text: str
    model: str
    latency_ms: float
    finish_reason: str | None = None


class LlmClient:
    """One region's chat endpoint. ``complete`` returns the raw message text (never parsed here)."""

    def __init__(self, region: str, settings: LlmEndpoint, sdk_client: Any = None):
        self.region = region
        self.settings = settings
        self.endpoint = settings.endpoint
        self.model = settings.deployment
        self._sdk = sdk_client

    def _client(self):
        if self._sdk is None:
            self._sdk = _sdk_client(self.settings)
        return self._sdk

    def complete(self, messages: list[dict[str, str]], *, response_format: dict | None = None,
                 timeout_s: float = 20.0, temperature: float | None = 0.0, seed: int | None = None) -> LlmReply:
        import openai

        kwargs: dict[str, Any] = {"model": self.model, "messages": messages, "timeout": timeout_s}
        if response_format is not None:
            kwargs["response_format"] = response_format
        if temperature is not None:
            kwargs["temperature"] = temperature
        if seed is not None:
            kwargs["seed"] = seed
        started = time.perf_counter()
        try:
            completion = self._client().chat.completions.create(**kwargs)
        except openai.APITimeoutError as exc:
            raise LlmError(f"{self.region}: model call timed out after {timeout_s}s") from exc
        except openai.APIStatusError as exc:
            raise LlmError(f"{self.region}: model endpoint answered HTTP {exc.status_code}") from exc
        except openai.APIConnectionError as exc:
            raise LlmError(f"{self.region}: model endpoint unreachable") from exc
        except (openai.OpenAIError, ValueError) as exc:
            raise LlmError(f"{self.region}: model call failed ({type(exc).__name__})") from exc
        latency = (time.perf_counter() - started) * 1000
        try:
            choice = completion.choices[0]
            text = choice.message.content
        except (AttributeError, IndexError, TypeError) as exc:
            raise LlmError(f"{self.region}: model answered without a message") from exc
        if text is None:
            raise LlmError(f"{self.region}: model answered an empty message ({choice.finish_reason})")
        return LlmReply(text=text, model=getattr(completion, "model", None) or self.model, latency_ms=latency,
                        finish_reason=choice.finish_reason)


def _sdk_client(settings: LlmEndpoint):
    import openai

    if settings.kind == "openai":
        return openai.OpenAI(api_key=settings.api_key or "unused", base_url=settings.endpoint, max_retries=0)
    if settings.api_key:
        return openai.AzureOpenAI(azure_endpoint=settings.endpoint, api_version=settings.api_version,
                                  api_key=settings.api_key, max_retries=0)
    from azure.identity import DefaultAzureCredential, get_bearer_token_provider

    provider = get_bearer_token_provider(DefaultAzureCredential(), AZURE_SCOPE)
    return openai.AzureOpenAI(azure_endpoint=settings.endpoint, api_version=settings.api_version,
                              azure_ad_token_provider=provider, max_retries=0)


def client_factory(endpoints: dict[str, LlmEndpoint | dict]) -> Callable[[str], LlmClient]:
    """``region -> LlmClient``, one cached client per region; a region without its own endpoint is
    refused (never served by another region's endpoint)."""
    parsed = {region: LlmEndpoint.model_validate(value) for region, value in endpoints.items()}
    cache: dict[str, LlmClient] = {}

    def for_region(region: str) -> LlmClient:
        if region not in parsed:
            raise ResidencyViolation(f"no model endpoint configured for region {region!r}; refusing to use another region's")
        if region not in cache:
            cache[region] = LlmClient(region, parsed[region])
        return cache[region]

    return for_region


def endpoints_from_settings(settings, regions: list[str]) -> dict[str, LlmEndpoint]:
    """Per-region endpoints from ``followup.config.Settings`` (``openai_endpoint_<region>``)."""
    if settings.llm == "offline":
        raise ConfigError("FOLLOWUP_LLM is 'offline': no model endpoint configured")
    out = {}
    for region in regions:
        endpoint = settings.region_setting("openai_endpoint", region)
        if endpoint:
            out[region] = LlmEndpoint(endpoint=endpoint, deployment=settings.openai_deployment,
                                      api_key=settings.openai_api_key, api_version=settings.openai_api_version,
                                      kind="azure" if settings.llm == "azure" else "openai")
    return out


def llm_extractor_for(app):
    """The model-backed extractor for a bootstrapped ``App`` (``FOLLOWUP_LLM=azure|openai``): each
    account's region picks the endpoint and the prompt log; the rule extractor is the fallback."""
    from followup.drafting.llm_extractor import LlmExtractor, RegionPromptLog

    return LlmExtractor(client_factory(endpoints_from_settings(app.settings, app.regions)),
                        prompt_log=RegionPromptLog(app.store, app.regions), timeout_s=app.settings.llm_timeout_s,
                        policy=app.policy, region_for=app.region_for, picklist=app.crm.picklist)

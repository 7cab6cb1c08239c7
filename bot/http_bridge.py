"""HTTP bridge shared by ``function_app.py`` and the local aiohttp host (``python -m followup serve``).

- ``/api/messages``: parse the activity (400 on malformed JSON/activity), authenticate the Bot
  Framework JWT when an app id is configured (401 on missing/malformed/invalid tokens; the OpenID
  metadata fetch is a blocking ``requests`` call inside botframework-connector, so authentication
  runs in a worker thread; the library caches the keys per metadata URL), then run the turn with
  ``adapter.process_activity`` and serialise the ``InvokeResponse`` here. ``CloudAdapter.process``
  of botbuilder 4.17.1 is not used: it answers 500 to every ``adaptiveCard/action`` invoke.
- ``/api/health``: policy, regions, CRM label, whether auth is on (no secrets).
- ``/api/calls``: ingest a call from JSON, send the card proactively, answer 202.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from followup.domain.snapshot import parse_snapshot
from followup.errors import FollowupError, InputError, SnapshotError

log = logging.getLogger("followup.bot.http")
MAX_BODY = 4 * 1024 * 1024


@dataclass
class HttpResult:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def content(self) -> bytes:
        if self.body is None:
            return b""
        return json.dumps(self.body, ensure_ascii=False, default=str).encode("utf-8")


def error(status: int, message: str) -> HttpResult:
    return HttpResult(status, {"error": message})


def parse_json(body: bytes | str | None, what: str) -> dict:
    if not body:
        raise InputError(f"{what}: empty request body")
    if len(body) > MAX_BODY:
        raise InputError(f"{what}: request body larger than {MAX_BODY} bytes")
    try:
        value = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{what}: body is not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise InputError(f"{what}: body must be a JSON object")
    return value


def parse_activity(body: bytes | str | None):
    from botbuilder.schema import Activity

    raw = parse_json(body, "activity")
    for key in ("type", "serviceUrl"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            raise InputError(f"activity: {key!r} is missing")
    if not isinstance(raw.get("conversation"), dict) or not raw["conversation"].get("id"):
        raise InputError("activity: 'conversation.id' is missing")
    try:
        return Activity().deserialize(raw)
    except Exception as exc:  # msrest DeserializationError
        raise InputError(f"activity: cannot be read ({exc})") from None


def build_auth(settings, openid_metadata_url: str | None = None):
    """Bot Framework authentication for ``settings`` (public cloud, or a given OpenID metadata URL)."""
    from botframework.connector.auth import (AuthenticationConfiguration, BotFrameworkAuthenticationFactory,
                                             PasswordServiceClientCredentialFactory)

    credentials = PasswordServiceClientCredentialFactory(settings.app_id, settings.app_password, settings.app_tenant_id)
    if openid_metadata_url:
        return BotFrameworkAuthenticationFactory.create(
            channel_service="", validate_authority=True,
            to_channel_from_bot_login_url="https://login.microsoftonline.com/botframework.com",
            to_channel_from_bot_oauth_scope="https://api.botframework.com",
            to_bot_from_channel_token_issuer="https://api.botframework.com",
            oauth_url="https://api.botframework.com", to_bot_from_channel_open_id_metadata_url=openid_metadata_url,
            to_bot_from_emulator_open_id_metadata_url=openid_metadata_url, caller_id="urn:botframework:azure",
            credential_factory=credentials, auth_configuration=AuthenticationConfiguration())
    return BotFrameworkAuthenticationFactory.create(channel_service="", credential_factory=credentials,
                                                    auth_configuration=AuthenticationConfiguration())


def _authenticate_in_thread(auth, activity, header: str):
    return asyncio.run(auth.authenticate_request(activity, header))


class BotBridge:
    def __init__(self, app, *, openid_metadata_url: str | None = None):
        from botbuilder.core import CloudAdapterBase

        from bot.activity_handler import FollowupBot
        from bot.proactive import ProactiveSender

        class BridgeAdapter(CloudAdapterBase):
            pass

        self.app = app
        self.auth_enabled = bool(app.settings.app_id)
        self.auth = build_auth(app.settings, openid_metadata_url)
        self.adapter = BridgeAdapter(self.auth)
        self.adapter.on_turn_error = self._on_turn_error
        self.proactive = ProactiveSender(app, self.adapter, app.settings.app_id)
        app.proposal_ready.append(self.proactive.on_proposal_ready)
        app.finance_notifier = self.proactive.on_finance_notice
        self.bot = FollowupBot(app, self.proactive)
        if self.auth_enabled:
            log.info("auth enabled: Bot Framework JWT required for app id %s", app.settings.app_id)
        else:
            log.warning("auth disabled: no MicrosoftAppId")

    @staticmethod
    async def _on_turn_error(turn_context, exc: Exception) -> None:
        log.exception("turn failed: %s", exc, exc_info=exc)
        try:
            await turn_context.send_activity("Sorry, something went wrong; nothing was changed.")
        except Exception:  # the channel may be unreachable too
            log.warning("could not tell the user about the failed turn")

    # ------------------------------------------------------------ /api/messages
    async def messages(self, body: bytes | str | None, auth_header: str | None) -> HttpResult:
        try:
            activity = parse_activity(body)
        except InputError as exc:
            return error(400, str(exc))
        header = ""
        if self.auth_enabled:
            header = (auth_header or "").strip()
            if not header:
                return error(401, "missing Authorization header (Bot Framework JWT)")
            if not header.lower().startswith("bearer ") or header.count(".") != 2:
                return error(401, "malformed Authorization header: expected 'Bearer <JWT>'")
        try:
            result = await asyncio.to_thread(_authenticate_in_thread, self.auth, activity, header)
        except PermissionError as exc:
            return error(401, f"unauthorized: {exc}")
        except Exception as exc:  # noqa: BLE001 - classify: network vs token
            import requests

            if isinstance(exc, requests.RequestException):
                log.error("OpenID metadata unavailable: %s", exc)
                return error(503, "cannot validate tokens right now (OpenID metadata unavailable)")
            return error(401, f"unauthorized: invalid token ({type(exc).__name__}: {exc})")
        invoke = await self.adapter.process_activity(result, activity, self.bot.on_turn)
        await self.proactive.flush()
        if invoke is None:
            return HttpResult(200)
        payload = invoke.body
        if hasattr(payload, "serialize"):
            payload = payload.serialize()
        return HttpResult(int(invoke.status or 200), payload)

    # -------------------------------------------------------------- /api/health
    def health(self) -> HttpResult:
        return HttpResult(200, health_report(self.app, self.auth_enabled))

    # --------------------------------------------------------------- /api/calls
    async def calls(self, body: bytes | str | None) -> HttpResult:
        try:
            request = parse_json(body, "call")
            transcript, snapshot, source = call_request(self.app, request)
            proposal = await asyncio.to_thread(self.app.ingest, transcript, snapshot, source)
        except InputError as exc:
            return error(400, str(exc))
        except FollowupError as exc:
            log.warning("ingest failed: %s", exc)
            return error(503 if exc.retryable else 422, str(exc))
        delivered = proposal.id in await self.proactive.flush()
        return HttpResult(202, {"proposal_id": proposal.id, "status": proposal.status.value, "region": proposal.region,
                                "items": len(proposal.items), "card_delivered": delivered})


def health_report(app, auth_enabled: bool) -> dict:
    return {"status": "ok", "policy": "ok", "system": app.policy.system_name, "regions": list(app.regions),
            "crm": app.crm.label, "store": app.settings.store, "llm": app.settings.llm, "auth_enabled": auth_enabled}


def call_request(app, request: dict) -> tuple[str, Any, str]:
    """Validate a ``/api/calls`` body: ``transcript`` plus ``crm`` (crm.json shape) or ``opportunity_id`` + ``rep``."""
    from bot.chat_ingest import snapshot_from_crm

    transcript = request.get("transcript")
    if not isinstance(transcript, str) or not transcript.strip():
        raise InputError("call: 'transcript' must be a non-empty string")
    source = request.get("source") or "api"
    if not isinstance(source, str) or len(source) > 40:
        raise InputError("call: 'source' must be a short string")
    raw = request.get("crm", request.get("snapshot"))
    if raw is not None:
        return transcript, parse_snapshot(raw, source="call.crm"), source
    opportunity = request.get("opportunity_id")
    rep = request.get("rep")
    if not isinstance(opportunity, str) or not opportunity:
        raise SnapshotError("call: give 'crm' (a CRM snapshot) or 'opportunity_id' with 'rep'")
    if not isinstance(rep, dict) or not rep.get("name"):
        raise SnapshotError("call: 'rep' {name, user_id, email} is required with 'opportunity_id'")
    try:
        call_date = dt.date.fromisoformat(request.get("call_date") or app.clock().date().isoformat())
    except (TypeError, ValueError):
        raise InputError("call: 'call_date' must be YYYY-MM-DD") from None
    return transcript, snapshot_from_crm(app.crm, opportunity, rep, call_date), source

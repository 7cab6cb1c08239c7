"""The bridge on a real aiohttp server on loopback: Bot Framework JWT auth (against a local OpenID
metadata endpoint with our own signing key), 400 on malformed activities, replies to the channel's
serviceUrl, and the OpenID metadata fetched once and cached."""
from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.http_bridge import BotBridge
from followup.adapters.sandbox_crm import SandboxCrm
from followup.bootstrap import bootstrap
from followup.commands.serve import build_web_app
from followup.config import Settings

APP_ID = "11111111-2222-3333-4444-555555555555"
ISSUER = "https://api.botframework.com"


class LoopbackServer:
    """Runs ``build_web_app(bridge)`` on 127.0.0.1 in a background event loop."""

    def __init__(self, bridge):
        from aiohttp import web

        self.loop = asyncio.new_event_loop()
        self.runner = web.AppRunner(build_web_app(bridge))
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self):
        from aiohttp import web

        self.thread.start()

        async def start():
            await self.runner.setup()
            site = web.TCPSite(self.runner, "127.0.0.1", 0)
            await site.start()
            return self.runner.addresses[0][1]

        self.port = asyncio.run_coroutine_threadsafe(start(), self.loop).result(10)
        self.url = f"http://127.0.0.1:{self.port}"
        return self

    def __exit__(self, *exc):
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def keypair():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def openid(httpserver):
    """Local OpenID metadata + JWKS (what login.botframework.com serves), with endorsements."""
    key, kid = keypair(), "test-key-1"
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid=kid, use="sig", endorsements=["msteams"])
    # a unique path per test: the library caches metadata per URL for a day
    path = f"/{uuid.uuid4().hex}/.well-known/openidconfiguration"
    httpserver.expect_request(path).respond_with_json({"issuer": ISSUER, "jwks_uri": httpserver.url_for("/keys")})
    httpserver.expect_request("/keys").respond_with_json({"keys": [jwk]})
    return {"url": httpserver.url_for(path), "key": key, "kid": kid, "server": httpserver, "path": path}


def token(key, kid, service_url, audience=APP_ID, issuer=ISSUER, lifetime=600):
    now = int(time.time())
    claims = {"iss": issuer, "aud": audience, "nbf": now - 5, "exp": now + lifetime, "serviceurl": service_url}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def make_app(tmp_path, app_id=None):
    return bootstrap(Settings(data_dir=tmp_path, MicrosoftAppId=app_id, MicrosoftAppPassword="x" if app_id else None),
                     crm=SandboxCrm(tmp_path / "crm.sqlite"))


def invoke_activity(service_url, proposal_id="prop_missing"):
    return {"type": "invoke", "name": "adaptiveCard/action", "id": "a1", "channelId": "msteams", "serviceUrl": service_url,
            "from": {"id": "29:u", "aadObjectId": "rep-1", "name": "Priya"}, "recipient": {"id": "28:bot"},
            "conversation": {"id": "conv-1"},
            "value": {"action": {"type": "Action.Execute", "verb": "proposal.refresh", "data": {"proposal_id": proposal_id}}}}


@pytest.fixture
def secured(tmp_path, openid):
    bridge = BotBridge(make_app(tmp_path, APP_ID), openid_metadata_url=openid["url"])
    with LoopbackServer(bridge) as server:
        yield server


def post(server, activity, auth=None):
    headers = {"Content-Type": "application/json"}
    if auth is not None:
        headers["Authorization"] = auth
    body = activity if isinstance(activity, (bytes, str)) else json.dumps(activity)
    return requests.post(f"{server.url}/api/messages", data=body, headers=headers, timeout=20)


def test_no_token_is_401(secured):
    response = post(secured, invoke_activity("https://smba.example/amer/"))
    assert response.status_code == 401 and "missing Authorization" in response.json()["error"]


@pytest.mark.parametrize("header", ["Bearer", "Bearer not-a-jwt", "Basic dXNlcjpwYXNz", "Bearer a.b.c"])
def test_malformed_token_is_401(secured, header):
    assert post(secured, invoke_activity("https://smba.example/amer/"), header).status_code == 401


def test_valid_token_is_accepted_and_metadata_is_cached(secured, openid):
    service = "https://smba.example/amer/"
    for _ in range(2):
        response = post(secured, invoke_activity(service), f"Bearer {token(openid['key'], openid['kid'], service)}")
        assert response.status_code == 200
        answer = response.json()
        assert answer["statusCode"] == 200 and answer["type"] == "application/vnd.microsoft.card.adaptive"
        assert "no longer exists" in json.dumps(answer["value"])
    metadata_fetches = [r for r, _ in openid["server"].log if r.path == openid["path"]]
    assert len(metadata_fetches) == 1


@pytest.mark.parametrize("case", ["other_key", "wrong_audience", "wrong_issuer", "expired", "other_service_url"])
def test_invalid_tokens_are_401(secured, openid, case):
    service = "https://smba.example/amer/"
    key, kid, kwargs = openid["key"], openid["kid"], {}
    if case == "other_key":
        key = keypair()
    elif case == "wrong_audience":
        kwargs["audience"] = "someone-else"
    elif case == "wrong_issuer":
        kwargs["issuer"] = "https://evil.example"
    elif case == "expired":
        kwargs["lifetime"] = -3600
    signed_for = "https://attacker.example/" if case == "other_service_url" else service
    response = post(secured, invoke_activity(service), f"Bearer {token(key, kid, signed_for, **kwargs)}")
    assert response.status_code == 401, response.text


def test_malformed_activity_is_400_before_auth(secured):
    assert post(secured, b"{nope", "Bearer x.y.z").status_code == 400
    assert "serviceUrl" in post(secured, {"type": "message"}).json()["error"]


def test_without_app_id_requests_are_accepted_and_replies_reach_the_channel(tmp_path, httpserver, caplog):
    caplog.set_level("WARNING", logger="followup.bot.http")
    replies = []

    def record(request):
        from werkzeug import Response

        replies.append(request.get_json())
        return Response(json.dumps({"id": f"r{len(replies)}"}), status=200, content_type="application/json")

    httpserver.expect_request("/v3/conversations/conv-1/activities/m1", method="POST").respond_with_handler(record)
    bridge = BotBridge(make_app(tmp_path))
    assert any("auth disabled: no MicrosoftAppId" in r.message for r in caplog.records)
    service = httpserver.url_for("/")
    message = {"type": "message", "id": "m1", "channelId": "msteams", "serviceUrl": service, "text": "help",
               "from": {"id": "29:u", "aadObjectId": "rep-1", "name": "Priya"}, "recipient": {"id": "28:bot"},
               "conversation": {"id": "conv-1", "conversationType": "personal"}}
    with LoopbackServer(bridge) as server:
        assert requests.get(f"{server.url}/api/health", timeout=10).json()["auth_enabled"] is False
        assert post(server, message).status_code == 200
        assert post(server, invoke_activity(service)).json()["statusCode"] == 200
    [reply] = replies
    assert reply["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert reply["attachments"][0]["content"]["body"][0]["text"] == "Sales Follow-Up Copilot"
    stored = bridge.app.home_store.conversation("rep-1")
    assert stored["conversation"]["id"] == "conv-1" and stored["serviceUrl"] == service

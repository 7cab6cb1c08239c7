"""function_app.py: trigger registration (names, routes, methods, auth levels, schedules), nothing
built at import, and the handlers called in-process with ``func.HttpRequest``."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from types import SimpleNamespace as NS

import azure.functions as func
import pytest

import function_app
from followup.domain.proposal import Evidence, RecapDraft

SNAPSHOT = {
    "Account": {"Id": "001A", "Name": "Acme", "BillingCountry": "US"},
    "Opportunity": {"Id": "006A", "Name": "Acme - Platform", "StageName": "Needs Analysis", "CloseDate": "2026-12-18",
                    "Amount": 60000, "NextStep": "Pricing walkthrough"},
    "Contacts": [{"Id": "003A", "Name": "Carla Jimenez"}],
    "call": {"date": "2026-11-17", "rep": {"name": "Priya Shah", "user_id": "rep-1"}},
}


@pytest.fixture(scope="module")
def functions():
    return {f.get_function_name(): f for f in function_app.app.get_functions()}


@pytest.fixture(autouse=True)
def fresh_bridge(monkeypatch):
    monkeypatch.setattr(function_app, "_bridge", None)


def trigger(fn) -> dict:
    return fn.get_bindings()[0].get_dict_repr()


def call(fn, method="POST", body=b"", route="", headers=None):
    req = func.HttpRequest(method=method, url=f"http://localhost/api/{route}", body=body, headers=headers or {})
    handler = fn.get_user_function()
    result = handler(req)
    return asyncio.run(result) if asyncio.iscoroutine(result) else result


def test_registers_exactly_the_six_triggers(functions):
    assert set(functions) == {"messages", "health", "calls", "commit_outbox", "daily_brief", "retention_purge"}


@pytest.mark.parametrize("name, route, method, auth", [
    ("messages", "messages", "POST", "anonymous"), ("health", "health", "GET", "anonymous"),
    ("calls", "calls", "POST", "function"),
])
def test_http_routes(functions, name, route, method, auth):
    binding = trigger(functions[name])
    assert binding["type"] == "httpTrigger" and binding["route"] == route
    assert [str(m.value) for m in binding["methods"]] == [method]
    assert binding["authLevel"].value == auth


@pytest.mark.parametrize("name, schedule", [("commit_outbox", "0 */5 * * * *"), ("daily_brief", "0 0 7 * * 1-5"),
                                            ("retention_purge", "0 30 2 * * *")])
def test_timer_schedules(functions, name, schedule):
    binding = trigger(functions[name])
    assert binding["type"] == "timerTrigger" and binding["schedule"] == schedule and binding["runOnStartup"] is False


def test_nothing_is_built_at_import():
    assert function_app._bridge is None
    assert "followup.bootstrap" not in sys.modules or function_app._bridge is None


def test_health_reports_policy_regions_and_crm_without_secrets(functions, monkeypatch):
    monkeypatch.setenv("MicrosoftAppPassword", "s3cret-value")
    response = call(functions["health"], "GET", route="health")
    assert response.status_code == 200
    body = json.loads(response.get_body())
    assert body["policy"] == "ok" and body["regions"] == ["us-east", "eu-west"]
    assert "sandbox" in body["crm"] and body["auth_enabled"] is False
    assert "s3cret-value" not in response.get_body().decode()


def test_health_503_when_policy_is_invalid(functions, monkeypatch, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("trust_layer: {system_name: x}\n")
    monkeypatch.setenv("FOLLOWUP_POLICY_PATH", str(bad))
    response = call(functions["health"], "GET", route="health")
    assert response.status_code == 503 and "invalid policy" in json.loads(response.get_body())["error"]


@pytest.mark.parametrize("body, message", [
    (b"", "empty request body"), (b"{not json", "not valid JSON"), (b"[1]", "JSON object"),
    (json.dumps({"crm": SNAPSHOT}).encode(), "'transcript'"),
    (json.dumps({"transcript": "hello", "crm": {"Account": {}}}).encode(), "call.crm"),
    (json.dumps({"transcript": "hello"}).encode(), "opportunity_id"),
    (json.dumps({"transcript": "hello", "opportunity_id": "006A"}).encode(), "'rep'"),
    (json.dumps({"transcript": "hello", "opportunity_id": "006Z", "rep": {"name": "P"}}).encode(), "no opportunity"),
])
def test_calls_400_with_clear_error(functions, body, message):
    response = call(functions["calls"], body=body, route="calls")
    assert response.status_code == 400
    assert message in json.loads(response.get_body())["error"]


@pytest.mark.parametrize("body, message", [
    (b"{oops", "not valid JSON"), (b'{"type": "message"}', "'serviceUrl' is missing"),
    (b'{"type": "message", "serviceUrl": "http://x"}', "conversation.id"),
])
def test_messages_400_on_malformed_activity(functions, body, message):
    response = call(functions["messages"], body=body, route="messages")
    assert response.status_code == 400 and message in json.loads(response.get_body())["error"]


def test_messages_401_without_token_when_app_id_is_set(functions, monkeypatch):
    monkeypatch.setenv("MicrosoftAppId", "00000000-0000-0000-0000-0000000000b0")
    activity = {"type": "message", "serviceUrl": "https://smba.example", "conversation": {"id": "c1"}, "text": "help"}
    response = call(functions["messages"], body=json.dumps(activity).encode(), route="messages")
    assert response.status_code == 401


def test_calls_202_ingests_and_queues_the_card(functions, monkeypatch):
    pytest.importorskip("followup.drafting.transcript", reason="the drafting engine (followup.drafting) is not in this tree yet")
    from bot.http_bridge import BotBridge
    from followup.bootstrap import bootstrap

    extraction = NS(fields=[NS(field="Opportunity.CloseDate", value=dt.date(2026, 12, 12), certainty="explicit", confidence=0.93,
                               evidence=[Evidence(quote="sign by December 12th", speaker="Carla Jimenez")])],
                    contact_roles=[], next_steps=[])
    app = bootstrap(extractor=NS(extract=lambda t, s: extraction),
                    recap_drafter=lambda e, s, t: RecapDraft(subject="Recap", body="Hi Carla"))
    monkeypatch.setattr(function_app, "_bridge", BotBridge(app))
    body = {"transcript": "Carla Jimenez: We need to sign by December 12th.\nPriya Shah: Great.", "crm": SNAPSHOT,
            "source": "notes"}
    response = call(functions["calls"], body=json.dumps(body).encode(), route="calls")
    assert response.status_code == 202
    answer = json.loads(response.get_body())
    stored = app.get(answer["proposal_id"])
    assert stored.status.value == "awaiting_approval" and answer["region"] == "us-east" and answer["items"] == 1
    assert answer["card_delivered"] is False  # the rep never installed the app here...
    [exception] = app.home_store.open_exceptions()  # ...so RevOps gets a delivery_failed exception
    assert exception.kind == "delivery_failed" and exception.proposal_id == stored.id


def test_timers_run_in_process(functions, tmp_path, caplog):
    from azure.functions.timer import TimerRequest

    caplog.set_level("INFO", logger="followup.functions")
    asyncio.run(functions["commit_outbox"].get_user_function()(TimerRequest()))
    asyncio.run(functions["daily_brief"].get_user_function()(TimerRequest()))
    asyncio.run(functions["retention_purge"].get_user_function()(TimerRequest()))
    assert any("outbox: 0 proposal(s) processed" in r.message for r in caplog.records)
    assert any("retention: purged {'us-east': 0, 'eu-west': 0, 'evidence': 0}" in r.message for r in caplog.records)
    assert any("no RevOps channel conversation known" in r.message for r in caplog.records)

"""Proactive sends: per-conversation token bucket (7/s), 429 retried with backoff, 403 and a
missing conversation reference raise a delivery_failed exception, manager cards for high-risk items."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.proactive import ProactiveSender, TokenBucket
from bot.sample import sample_proposal
from followup.adapters.sandbox_crm import SandboxCrm
from followup.bootstrap import bootstrap
from followup.config import Settings

T0 = dt.datetime(2026, 11, 17, 14, 0, tzinfo=dt.timezone.utc)
REF = {"serviceUrl": "https://smba.example/", "channelId": "msteams", "conversation": {"id": "conv-rep"},
       "bot": {"id": "28:bot"}, "user": {"id": "29:rep"}}


class FakeClock:
    def __init__(self):
        self.now, self.sleeps = 0.0, []

    def __call__(self):
        return self.now

    async def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class Status(Exception):
    def __init__(self, status, headers=None):
        super().__init__(f"HTTP {status}")
        self.response = type("R", (), {"status_code": status, "headers": headers or {}})()


class FakeAdapter:
    def __init__(self, failures=()):
        self.failures, self.sent = list(failures), []

    async def continue_conversation(self, reference, logic, bot_app_id):
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(reference.conversation.id)


@pytest.fixture
def app(tmp_path):
    return bootstrap(Settings(data_dir=tmp_path, role_map={"mgr-1": "Manager"}), crm=SandboxCrm(tmp_path / "c.sqlite"),
                     clock=lambda: T0)


def sender(app, adapter, clock):
    return ProactiveSender(app, adapter, "bot-app", sleep=clock.sleep, clock=clock, base_delay=0.5)


def test_token_bucket_allows_seven_per_second_then_waits():
    clock = FakeClock()
    bucket = TokenBucket(7, clock, clock.sleep)

    async def take(n):
        return [await bucket.take() for _ in range(n)]

    waits = asyncio.run(take(15))
    assert waits[:7] == [0.0] * 7 and all(w > 0 for w in waits[7:])
    assert clock.now == pytest.approx(8 / 7)  # 15 sends: 7 at once, then one every 1/7 s


def test_429_is_retried_with_backoff_then_sent(app):
    clock = FakeClock()
    adapter = FakeAdapter([Status(429), Status(429, {"Retry-After": "3"})])
    asyncio.run(sender(app, adapter, clock).send_card(REF, {"type": "AdaptiveCard"}))
    assert adapter.sent == ["conv-rep"]
    assert 0.25 <= clock.sleeps[0] <= 0.75 and clock.sleeps[1] == 3.0


def test_403_raises_delivery_failed_exception_item(app):
    p = sample_proposal(app.policy, now=T0)
    app.store("us-east").add_with_events(p)
    app.home_store.save_conversation("rep-1", REF)
    delivered = asyncio.run(sender(app, FakeAdapter([Status(403)]), FakeClock()).send_proposal(app.get(p.id)))
    assert delivered is False
    [item] = app.home_store.open_exceptions()
    assert item.kind == "delivery_failed" and item.proposal_id == p.id and "403" in item.detail


def test_missing_reference_is_a_delivery_failure(app):
    p = sample_proposal(app.policy, now=T0)
    app.store("us-east").add_with_events(p)
    assert asyncio.run(sender(app, FakeAdapter(), FakeClock()).send_proposal(app.get(p.id))) is False
    assert app.home_store.open_exceptions()[0].kind == "delivery_failed"


def test_rep_and_manager_get_their_cards_via_flush(app):
    adapter = FakeAdapter()
    proactive = sender(app, adapter, FakeClock())
    app.home_store.save_conversation("rep-1", REF)
    app.home_store.save_conversation("mgr-1", dict(REF, conversation={"id": "conv-mgr"}))
    p = sample_proposal(app.policy, now=T0)
    app.store("us-east").add_with_events(p)
    proactive.on_proposal_ready(p)
    assert asyncio.run(proactive.flush()) == [p.id]
    assert adapter.sent == ["conv-rep", "conv-mgr"]
    assert app.home_store.open_exceptions() == []

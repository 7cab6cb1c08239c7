"""Verb routing against a real App (SQLite store, sandbox CRM): decisions, refusals of tampered or
unauthorized actions with nothing changed, duplicate taps, and that no CRM call happens on a tap."""
from __future__ import annotations

import datetime as dt

import pytest

from bot.cards.common import APPROVE_ALL, FIELD_APPROVE, FIELD_DECLINE, FIELD_EDIT, RECAP_SENT, REFRESH
from bot.routes import HANDLERS, handle_action
from bot.sample import sample_proposal
from followup.adapters.sandbox_crm import SandboxCrm
from followup.bootstrap import bootstrap
from followup.config import Settings
from followup.domain.events import DECISION_REFUSED, ITEM_APPROVED
from followup.domain.proposal import ItemStatus, ProposalStatus

T0 = dt.datetime(2026, 11, 17, 14, 0, tzinfo=dt.timezone.utc)
MANAGER = "mgr-1"


class CountingCrm(SandboxCrm):
    def apply(self, *args, **kwargs):  # pragma: no cover - must never run during an invoke
        raise AssertionError("a card action wrote to the CRM")

    def current_values(self, *args, **kwargs):  # pragma: no cover
        raise AssertionError("a card action read the CRM")


@pytest.fixture
def app(tmp_path):
    application = bootstrap(Settings(data_dir=tmp_path, role_map={MANAGER: "Manager"}),
                            crm=CountingCrm(tmp_path / "crm.sqlite"), clock=lambda: T0)
    return application


def stored(app, **kwargs):
    p = sample_proposal(app.policy, now=T0, **kwargs)
    app.store("us-east").add_with_events(p)
    return app.get(p.id)


def data(p, item_id=None, **extra):
    return {"proposal_id": p.id, "item_id": item_id, "version": p.version, **extra}


def field(p, name):
    return next(c for c in p.changes if c.field == name)


def notice(response):
    first = response["value"]["body"][0]
    return first["items"][0]["text"] if first["type"] == "Container" else first["text"]


def snapshot(app, p):
    q = app.get(p.id)
    return q.version, [(i.id, i.status) for i in q.items], len(app.store("us-east").entries(p.id))


def test_handlers_cover_every_verb():
    assert set(HANDLERS) == {APPROVE_ALL, FIELD_APPROVE, FIELD_EDIT, FIELD_DECLINE, REFRESH, RECAP_SENT}


def test_approve_records_and_answers_updated_card(app):
    p = stored(app)
    rep = app.actor_for("rep-1")
    item = field(p, "CloseDate")
    response = handle_action(app, FIELD_APPROVE, data(p, item.id), rep)
    assert response["statusCode"] == 200 and response["type"] == "application/vnd.microsoft.card.adaptive"
    assert notice(response) == "Approved Close date."
    after = app.get(p.id)
    assert after.item(item.id).status == ItemStatus.APPROVED and after.version == p.version + 1
    approve_actions = [a for a in str(response["value"]).split("'verb': 'field.approve'")][1:]
    assert len(approve_actions) == 3  # NextStep, Role, task still open for the rep


def test_edit_and_decline_use_card_inputs(app):
    p = stored(app)
    rep = app.actor_for("rep-1")
    close, step = field(p, "CloseDate"), field(p, "NextStep")
    handle_action(app, FIELD_EDIT, data(p, close.id, **{f"edit_{close.id}": "2026-12-15"}), rep)
    p2 = app.get(p.id)
    response = handle_action(app, FIELD_DECLINE, data(p2, step.id, **{f"reason_{step.id}": "not_discussed",
                                                                      f"reasontext_{step.id}": 'said "later" {{x}}'}), rep)
    assert notice(response) == "Declined Next step."
    after = app.get(p.id)
    assert after.item(close.id).status == ItemStatus.EDITED and after.item(close.id).final_value == "2026-12-15"
    assert after.item(step.id).decision.reason_code.value == "not_discussed"
    assert after.item(step.id).decision.reason_text == 'said "later" {{x}}'


def test_bad_edit_value_is_refused_with_reason(app):
    p = stored(app)
    close = field(p, "CloseDate")
    before = snapshot(app, p)
    response = handle_action(app, FIELD_EDIT, data(p, close.id, **{f"edit_{close.id}": "next week"}), app.actor_for("rep-1"))
    assert "is not a date" in notice(response)
    assert snapshot(app, p)[:2] == before[:2]


def test_approve_all_then_manager_finishes_and_queues(app):
    p = stored(app)
    response = handle_action(app, APPROVE_ALL, data(p), app.actor_for("rep-1"))
    assert notice(response) == "Approved 3 high-confidence item(s)."
    p = app.get(p.id)
    handle_action(app, FIELD_DECLINE, data(p, field(p, "NextStep").id, reason_code="premature"), app.actor_for("rep-1"))
    manager = app.actor_for(MANAGER)
    for name in ("Amount", "StageName"):
        p = app.get(p.id)
        response = handle_action(app, FIELD_APPROVE, data(p, field(p, name).id), manager)
    final = app.get(p.id)
    assert final.status == ProposalStatus.QUEUED
    assert "queued for the CRM" in str(response["value"])
    assert app.store("us-east").pending_jobs() == 1


@pytest.mark.parametrize("tamper", ["unknown_item", "other_proposal_item", "wrong_version", "non_rep", "ae_on_manager_field",
                                    "missing_id", "bool_version"])
def test_tampered_or_unauthorized_actions_change_nothing(app, tamper):
    p = stored(app)
    other = stored(app, opportunity_id="006B")
    rep = app.actor_for("rep-1")
    payload, actor = data(p, field(p, "CloseDate").id), rep
    expected = {"unknown_item": "holds no item", "other_proposal_item": "holds no item", "wrong_version": "out of date",
                "non_rep": "Not allowed", "ae_on_manager_field": "Not allowed", "missing_id": "no longer matches",
                "bool_version": "out of date"}[tamper]
    if tamper == "unknown_item":
        payload["item_id"] = "chg_doesnotexist"
    elif tamper == "other_proposal_item":
        payload["item_id"] = other.changes[0].id
    elif tamper == "wrong_version":
        payload["version"] = p.version - 1
    elif tamper == "bool_version":
        payload["version"] = True
    elif tamper == "non_rep":
        actor = app.actor_for("intruder")
    elif tamper == "ae_on_manager_field":
        payload["item_id"] = field(p, "Amount").id
    elif tamper == "missing_id":
        payload.pop("proposal_id")
    before = snapshot(app, p), snapshot(app, other)
    response = handle_action(app, FIELD_APPROVE, payload, actor)
    assert response["statusCode"] == 200
    assert expected in str(response["value"])
    after = snapshot(app, p), snapshot(app, other)
    assert [s[:2] for s in after] == [s[:2] for s in before]  # versions and item statuses untouched
    refusals = [e for e in app.store("us-east").entries(p.id) if e.event.name == DECISION_REFUSED]
    reached_service = tamper in ("unknown_item", "other_proposal_item", "non_rep", "ae_on_manager_field")
    assert len(refusals) == (1 if reached_service else 0)  # refusals by the decision service are audited


def test_duplicate_tap_answers_current_card_without_second_write(app):
    p = stored(app)
    item = field(p, "CloseDate")
    rep = app.actor_for("rep-1")
    handle_action(app, FIELD_APPROVE, data(p, item.id), rep)
    after_first = app.get(p.id)
    second = handle_action(app, FIELD_APPROVE, data(p, item.id), rep)  # same (old) card data
    assert "out of date" in notice(second)
    assert app.get(p.id).version == after_first.version
    approvals = [e for e in app.store("us-east").entries(p.id) if e.event.name == ITEM_APPROVED]
    assert len(approvals) == 1


def test_unknown_verb_and_missing_data(app):
    assert "Unknown action" in str(handle_action(app, "field.nuke", {}, app.actor_for("rep-1")))
    assert "carried no data" in str(handle_action(app, FIELD_APPROVE, None, app.actor_for("rep-1")))


def test_refresh_and_recap_sent(app):
    p = stored(app)
    response = handle_action(app, REFRESH, {"proposal_id": p.id}, app.actor_for("rep-1"))
    assert response["value"]["refresh"]["userIds"] == ["rep-1"]
    refused = handle_action(app, RECAP_SENT, data(p), app.actor_for("intruder"))
    assert "Not allowed" in str(refused) and app.get(p.id).recap_sent_at is None
    handle_action(app, RECAP_SENT, data(p), app.actor_for("rep-1"))
    assert app.get(p.id).recap_sent_at == T0


def test_expired_proposal_shows_final_card(app):
    p = stored(app)
    app.clock = lambda: T0 + dt.timedelta(hours=3)
    app.sweep()
    response = handle_action(app, FIELD_APPROVE, data(app.get(p.id), field(p, "CloseDate").id), app.actor_for("rep-1"))
    assert "Expired" in str(response["value"]) and "field.approve" not in str(response["value"])

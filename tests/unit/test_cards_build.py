"""Card builders: content, controls per viewer, bulk count, deep link, size, JSON safety."""
from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qs, urlparse

import pytest

from bot.cards import approval_card, brief_card, card_for, final_card, help_card, manager_card
from bot.cards.common import APPROVE_ALL, FIELD_APPROVE, FIELD_DECLINE, FIELD_EDIT, RECAP_SENT, REFRESH, outlook_compose_url
from bot.sample import sample_proposal
from followup.domain.proposal import Decision, ProposalStatus
from followup.services.brief import build_brief
from followup.services.decisions import Actor
from governance.policy import DEFAULT_POLICY_PATH, load_policy

REP = Actor(user_id="rep-1", name="Priya", roles={"AE"})
MANAGER = Actor(user_id="mgr-1", name="Morgan", roles={"AE", "Manager"})
STAGES = ["Prospecting", "Needs Analysis", "Proposal/Price Quote", "Closed Won"]


@pytest.fixture(scope="module")
def policy():
    return load_policy(DEFAULT_POLICY_PATH)


def picklist(field):
    return STAGES if field == "Opportunity.StageName" else None


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def actions(card, verb):
    return [n for n in walk(card) if n.get("type") == "Action.Execute" and n.get("verb") == verb]


def texts(card):
    return "\n".join(n["text"] for n in walk(card) if n.get("type") == "TextBlock")


def test_rep_card_shows_rows_controls_and_bulk_count(policy):
    p = sample_proposal(policy)
    card = approval_card(p, REP, policy, picklist)
    assert card["version"] == "1.5" and card["type"] == "AdaptiveCard"
    body = texts(card)
    assert "Acme Corp" in json.dumps(card) and "Acme - Platform" in json.dumps(card)
    assert "**Close date**: 2026-12-18 → 2026-12-12" in body
    assert "93% · explicit · approves: AE" in body
    assert "LOW confidence (min 78%)" in body  # NextStep at 0.70
    assert "“We need to sign by December 12th.” — Carla Jimenez" in body
    assert "Recap: Acme platform call" in body
    # AE-gated rows (CloseDate, NextStep, Contact.Role, task) get controls; Amount and Stage wait for a manager
    approve_ids = {a["data"]["item_id"] for a in actions(card, FIELD_APPROVE)}
    by_field = {c.field: c.id for c in p.changes}
    assert approve_ids == {by_field["CloseDate"], by_field["NextStep"], by_field["Role"], p.tasks[0].id}
    assert body.count("Waiting for Manager approval") == 2
    # bulk: CloseDate, Role, task are high-confidence and AE; NextStep is low confidence
    [bulk] = actions(card, APPROVE_ALL)
    assert bulk["title"] == "Approve all high-confidence (3)"
    assert all(a["data"]["version"] == p.version and a["data"]["proposal_id"] == p.id for a in actions(card, FIELD_APPROVE))
    assert card["refresh"]["action"]["verb"] == REFRESH and card["refresh"]["userIds"] == ["rep-1"]
    assert actions(card, RECAP_SENT)


def test_typed_edit_inputs(policy):
    p = sample_proposal(policy)
    card = approval_card(p, MANAGER.model_copy(update={"user_id": "rep-1"}), policy, picklist)
    inputs = {n["id"].split("_", 1)[1]: n for n in walk(card) if n.get("id", "").startswith("edit_")}
    by_field = {c.field: c.id for c in p.changes}
    assert inputs[by_field["CloseDate"]]["type"] == "Input.Date" and inputs[by_field["CloseDate"]]["value"] == "2026-12-12"
    assert inputs[by_field["Amount"]]["type"] == "Input.Number" and inputs[by_field["Amount"]]["value"] == 72000.0
    stage = inputs[by_field["StageName"]]
    assert stage["type"] == "Input.ChoiceSet" and [c["value"] for c in stage["choices"]] == STAGES
    assert inputs[by_field["NextStep"]]["type"] == "Input.Text"
    reasons = [n for n in walk(card) if n.get("id") == f"reason_{by_field['CloseDate']}"][0]
    assert {c["value"] for c in reasons["choices"]} == {"wrong_value", "not_discussed", "premature", "duplicate", "other"}
    assert actions(card, FIELD_EDIT) and actions(card, FIELD_DECLINE)


def test_no_bulk_button_when_nothing_qualifies(policy):
    p = sample_proposal(policy)
    stranger = Actor(user_id="someone-else", roles={"AE"})
    assert not actions(approval_card(p, stranger, policy), APPROVE_ALL)
    assert not actions(approval_card(p, stranger, policy), FIELD_APPROVE)


def test_manager_card_only_high_risk(policy):
    p = sample_proposal(policy)
    card = card_for(p, MANAGER, policy, picklist)
    ids = {a["data"]["item_id"] for a in actions(card, FIELD_APPROVE)}
    assert ids == {c.id for c in p.changes if c.gate.high_risk} and len(ids) == 2
    assert "Close date" not in texts(card)
    assert card is not None and manager_card(p, MANAGER, policy)["refresh"]["userIds"] == ["mgr-1"]


@pytest.mark.parametrize("status, words", [
    (ProposalStatus.COMMITTED, "written to the CRM"), (ProposalStatus.CONFLICTED, "Conflict"),
    (ProposalStatus.EXPIRED, "Expired"), (ProposalStatus.FAILED, "could not be written"), (ProposalStatus.CLOSED, "Closed"),
])
def test_final_cards(policy, status, words):
    p = sample_proposal(policy)
    p.status = status
    card = card_for(p, REP, policy)
    assert words in texts(card)
    assert not actions(card, FIELD_APPROVE) and not actions(card, APPROVE_ALL)


def test_conflict_card_shows_newer_crm_value(policy):
    p = sample_proposal(policy)
    change = p.changes[0]
    change.decision = Decision(action="approve", by="rep-1")
    change.status = change.status.__class__.APPROVED
    p.status = ProposalStatus.QUEUED
    p.mark_conflicted(change.id, "2026-12-20")
    p.status = ProposalStatus.CONFLICTED
    assert "now '2026-12-20'" in texts(final_card(p))


def test_outlook_link_is_encoded_and_bounded():
    body = 'Line "one" & {{two}}\nüñí ✓ ' + "x" * 5000
    url = outlook_compose_url(["a@b.example", "c@d.example"], "Recap & next steps", body)
    assert len(url) <= 2000 and url.startswith("https://outlook.office.com/mail/deeplink/compose?")
    query = parse_qs(urlparse(url).query)
    assert query["to"] == ["a@b.example,c@d.example"] and query["subject"] == ["Recap & next steps"]
    assert query["body"][0].startswith('Line "one" & {{two}}\nüñí ✓ xxx') and query["body"][0].endswith("…")


def test_hostile_text_stays_data_and_forty_changes_fit(policy):
    p = sample_proposal(policy, changes=40, quote_suffix=' "}]} {{evil}} \n\t 日本語 ' + "q" * 2000)
    card = approval_card(p, REP, policy, picklist)
    raw = json.dumps(card, ensure_ascii=False)
    assert json.loads(raw) == card
    assert len(raw.encode()) < 80_000
    quotes = [n["text"] for n in walk(card) if n.get("type") == "TextBlock" and n["text"].startswith("“")]
    assert len(quotes) == 41 and all(len(q) < 260 for q in quotes)


def test_brief_card_highlights_alerts_and_charts_declines(policy):
    p = sample_proposal(policy)
    p.changes[0].decision = Decision(action="decline", by="rep-1", reason_code="wrong_value")
    p.changes[0].status = p.changes[0].status.__class__.DECLINED
    now = p.created_at + dt.timedelta(hours=1)
    brief = build_brief([p], [], policy, now - dt.timedelta(hours=24), now)
    card = brief_card(brief)
    facts = [f for n in walk(card) if n.get("type") == "FactSet" for f in n["facts"]]
    assert any(f["title"] == "Field update acceptance" and "ALERT" in f["value"] for f in facts)
    [donut] = [n for n in walk(card) if n.get("type") == "Chart.Donut"]
    assert donut["data"] == [{"legend": "wrong_value", "value": 1}]
    assert any(n.get("style") == "attention" for n in walk(card))


def test_help_card_lists_commands():
    assert {"help", "pending"} <= {f["title"] for n in walk(help_card()) if n.get("type") == "FactSet" for f in n["facts"]}

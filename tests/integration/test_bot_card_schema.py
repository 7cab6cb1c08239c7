"""Every card kind validated by Microsoft's Adaptive Cards library (npm ``adaptivecards``) at schema
1.5: zero parse and validation events, including hostile LLM/user text and a 40-change proposal."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.cards import approval_card, brief_card, card_for, final_card, help_card, manager_card, message_card
from bot.routes import handle_action
from bot.sample import sample_proposal
from followup.domain.proposal import Decision, ItemStatus, ProposalStatus, ReasonCode
from followup.services.brief import build_brief
from followup.services.decisions import Actor
from governance.policy import DEFAULT_POLICY_PATH, load_policy

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = Path(__file__).with_name("validate_card.js")
HOSTILE = ' "quoted" \\ back {{template}} ${x} </script> \n\n line2 \t tab — ünïcödé 日本語 🚀 ' + "long " * 300
REP = Actor(user_id="rep-1", roles={"AE"})
MANAGER = Actor(user_id="mgr-1", roles={"AE", "Manager"})


def picklist(field):
    return ["Prospecting", "Proposal/Price Quote", 'Odd "value" {{x}}'] if field.endswith("StageName") else None


def validate(cards: list[dict]) -> list[dict]:
    if not (ROOT / "node_modules" / "adaptivecards").is_dir() or shutil.which("node") is None:
        pytest.skip("node_modules/adaptivecards (npm install) or node is absent")
    done = subprocess.run(["node", str(VALIDATOR)], input=json.dumps(cards), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def all_cards() -> dict[str, dict]:
    policy = load_policy(DEFAULT_POLICY_PATH)
    p = sample_proposal(policy, quote_suffix=HOSTILE)
    p.recap.subject += HOSTILE
    p.recap.body += HOSTILE
    p.recap.checks["claims_policy"] = "mentions a discount" + HOSTILE
    cards = {"approval": approval_card(p, REP, policy, picklist), "manager": manager_card(p, MANAGER, policy, picklist),
             "approval_notice": approval_card(p, REP, policy, picklist, notice="Not allowed:" + HOSTILE, notice_tone="error"),
             "help": help_card(), "message": message_card("Oops" + HOSTILE, HOSTILE, "error")}
    big = sample_proposal(policy, changes=40, quote_suffix=HOSTILE)
    cards["approval_40"] = approval_card(big, REP, policy, picklist)
    decided = sample_proposal(policy)
    for i, item in enumerate(decided.items):
        if i % 2:
            item.decision = Decision(action="decline", by="rep-1", reason_code=ReasonCode.OTHER, reason_text=HOSTILE)
            item.status = ItemStatus.DECLINED
        else:
            item.decision = Decision(action="edit", by="rep-1", value="Edited" + HOSTILE)
            item.status = ItemStatus.EDITED
    cards["partially_decided"] = card_for(decided, REP, policy, picklist)
    for status in (ProposalStatus.QUEUED, ProposalStatus.COMMITTED, ProposalStatus.CONFLICTED, ProposalStatus.FAILED,
                   ProposalStatus.EXPIRED, ProposalStatus.CLOSED):
        decided.status = status
        if status == ProposalStatus.CONFLICTED:
            decided.items[0].status, decided.items[0].commit_note = ItemStatus.CONFLICTED, "changed in CRM since drafting: now " + HOSTILE
        cards[f"final_{status.value}"] = final_card(decided)
    now = p.created_at + dt.timedelta(hours=1)
    cards["brief"] = brief_card(build_brief([decided, p], [], policy, now - dt.timedelta(days=1), now))
    cards["brief_empty"] = brief_card(build_brief([], [], policy, now - dt.timedelta(days=1), now))
    return cards


def test_every_card_kind_has_zero_validation_events():
    cards = all_cards()
    results = validate(list(cards.values()))
    problems = {name: r["events"] for name, r in zip(cards, results) if r["events"]}
    assert problems == {}
    sizes = {name: r["bytes"] for name, r in zip(cards, results)}
    assert max(sizes.values()) < 80_000, sizes
    assert sizes["approval_40"] > 20_000  # the 40-change card really holds 40 rows


def test_validator_catches_broken_cards():
    broken = [{"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "Bogus"}]},
              {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "Chart.Donut", "data": []}]},
              {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "Input.Text", "id": "a"}, {"type": "Input.Text", "id": "a"}]}]
    results = validate(broken)
    assert all(r["events"] for r in results)


def test_cards_answered_by_routes_validate(tmp_path):
    from followup.adapters.sandbox_crm import SandboxCrm
    from followup.bootstrap import bootstrap
    from followup.config import Settings

    t0 = dt.datetime(2026, 11, 17, 14, 0, tzinfo=dt.timezone.utc)
    app = bootstrap(Settings(data_dir=tmp_path), crm=SandboxCrm(tmp_path / "crm.sqlite"), clock=lambda: t0)
    p = sample_proposal(app.policy, now=t0, quote_suffix=HOSTILE)
    app.store("us-east").add_with_events(p)
    p = app.get(p.id)
    rep = app.actor_for("rep-1")
    responses = [handle_action(app, "proposal.approve_all", {"proposal_id": p.id, "version": p.version}, rep),
                 handle_action(app, "field.approve", {"proposal_id": p.id, "item_id": "nope", "version": 999}, rep),
                 handle_action(app, "field.approve", {"proposal_id": "prop_missing", "version": 1}, rep)]
    results = validate([r["value"] for r in responses])
    assert [r["events"] for r in results] == [[], [], []]

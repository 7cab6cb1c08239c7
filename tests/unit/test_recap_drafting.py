"""Recap email drafting (followup.drafting.recap) and snippet retrieval."""
from __future__ import annotations

import datetime as dt
import glob
import json
from pathlib import Path

import pytest

from followup.domain.proposal import Evidence
from followup.domain.snapshot import load_snapshot, parse_snapshot
from followup.drafting.model import ExtractedStep, Extraction
from followup.drafting.recap import draft_recap
from followup.drafting.retrieval import Retriever, fts_query
from followup.drafting.transcript import load_transcript, parse_transcript
from followup.drafting.voice import load_voice

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "scenarios" / "dev"

SNAPSHOT = parse_snapshot({
    "Account": {"Id": "001A", "Name": "Brightwater Logistics", "BillingCountry": "US"},
    "Opportunity": {"Id": "006A", "Name": "Brightwater - Platform", "StageName": "Qualification"},
    "Contacts": [{"Id": "003A", "Name": "Amelia Ward", "Email": "amelia.ward@brightwater.example", "Title": "Head of Finance Systems"},
                 {"Id": "003B", "Name": "Jonas Lind", "Email": "jonas.lind@brightwater.example", "Title": "Data Platform Lead"}],
    "call": {"date": "2026-02-03", "rep": {"name": "Sam Okafor", "email": "sam.okafor@corvane.io"}},
})
TRANSCRIPT = parse_transcript(
    "Sam Okafor: Thanks both. I'll send the reference architecture by Friday.\n"
    "Amelia Ward: Good. Our budget is frozen until the new fiscal year, so it needs CFO approval.\n"
    "Jonas Lind: I'll share the list of source systems next Wednesday. Call me on 0151 2384 7719 if needed.\n"
    "Sam Okafor: And maybe a business case later.\n")


def _step(text, owner, due=None, tentative=False):
    return ExtractedStep(text=text, owner=owner, due_date=due, evidence=[Evidence(quote=text)], certainty="explicit",
                         confidence=0.8, tentative=tentative)


EXTRACTION = Extraction(
    attendees=["Sam Okafor", "Amelia Ward", "Jonas Lind"],
    objections=["Budget is frozen until the new fiscal year"],
    next_steps=[_step("Send the reference architecture", "Sam Okafor", dt.date(2026, 2, 6)),
                _step("Share the list of source systems, call 0151 2384 7719", "Jonas Lind", dt.date(2026, 2, 11)),
                _step("Prepare a business case", "Sam Okafor", tentative=True)])


def test_recap_has_greeting_attendees_steps_with_owners_and_dates_and_rep_sign_off():
    draft = draft_recap(EXTRACTION, SNAPSHOT, TRANSCRIPT)
    body = draft.body
    assert body.startswith("Hi Amelia and Jonas,\n")
    assert "- Amelia Ward (Head of Finance Systems, Brightwater Logistics)" in body
    assert "- Sam Okafor (Account Executive, Corvane)" in body
    assert "- Sam Okafor: send the reference architecture — by Friday 6 February" in body
    assert "- Jonas Lind: share the list of source systems" in body and "by Wednesday 11 February" in body
    assert "Prepare a business case (Sam Okafor, tentative)" in body
    assert body.index("Next steps") < body.index("To be confirmed")
    assert "- Budget is frozen until the new fiscal year." in body
    assert body.rstrip().endswith("Best regards,\nSam Okafor")
    assert draft.to == ["amelia.ward@brightwater.example", "jonas.lind@brightwater.example"]
    assert "Brightwater - Platform" in draft.subject and "3 February 2026" in draft.subject


def test_contact_details_said_in_the_call_never_reach_the_body():
    draft = draft_recap(EXTRACTION, SNAPSHOT, TRANSCRIPT)
    assert "0151 2384 7719" not in draft.body and "(details shared on the call)" in draft.body
    assert draft.checks["pii_mask"] == "pass"


def test_budget_objection_pulls_the_matching_playbook_line():
    draft = draft_recap(EXTRACTION, SNAPSHOT, TRANSCRIPT)
    budget = next(s for s in load_voice().snippets if s.title.startswith("Budget"))
    assert "Where we can help" in draft.body and budget.recap_line in draft.body


def test_no_next_steps_says_so_instead_of_inventing_any():
    draft = draft_recap(Extraction(attendees=["Sam Okafor", "Amelia Ward"]), SNAPSHOT, TRANSCRIPT)
    assert "No firm next steps were agreed" in draft.body and "To be confirmed" not in draft.body
    assert set(draft.checks.values()) == {"pass"}


def test_retriever_ranks_by_bm25_and_survives_fts_syntax():
    retriever = Retriever(load_voice().snippets)
    top = retriever.search("security questionnaire for our CISO", k=2)
    assert top[0].snippet.title.startswith("Security review")
    assert top[0].score >= top[-1].score
    assert retriever.search('"unbalanced AND (quote OR', k=3) is not None
    assert fts_query("the and of") == ""
    assert retriever.search("", k=3) == []


def test_voice_examples_pass_their_own_rules():
    from followup.drafting.content_checks import brand_tone, claims_policy

    voice = load_voice()
    assert len(voice.examples) >= 3 and len(voice.snippets) >= 8
    for example in voice.examples:
        assert brand_tone(example, voice) == "pass"
        assert claims_policy(example, [example]) == "pass"


@pytest.mark.skipif(not DEV.is_dir(), reason="labelled dev calls not present beside the repo")
@pytest.mark.parametrize("call", sorted(p.name for p in DEV.iterdir()) if DEV.is_dir() else [])
def test_dev_set_recaps_pass_checks_and_leak_no_gold_pii(call):
    from followup.drafting.rules import RuleExtractor

    folder = DEV / call
    gold = json.loads((folder / "gold.json").read_text())
    transcript = load_transcript(glob.glob(str(folder / "transcript.*"))[0])
    snapshot = load_snapshot(folder / "crm.json")
    extraction = RuleExtractor().extract(transcript, snapshot)
    draft = draft_recap(extraction, snapshot, transcript)
    assert draft.checks == {"brand_tone": "pass", "claims_policy": "pass", "pii_mask": "pass"}
    assert [p for p in gold["pii"] if p in draft.body or p in draft.subject] == []
    assert draft.body.rstrip().endswith(snapshot.call.rep.name)
    for step in extraction.next_steps:
        if step.owner and not step.tentative:
            assert f"- {step.owner}:" in draft.body
        if step.due_date and step.due_date != snapshot.call.date:
            assert f"{step.due_date:%A} {step.due_date.day} {step.due_date:%B}" in draft.body

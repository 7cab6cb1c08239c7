"""Deal facts (followup.drafting.facts): competitors, objections and MEDDICC/BANT items on invented calls."""
from __future__ import annotations

import json

from followup.domain.snapshot import parse_snapshot
from followup.drafting.context import build_context
from followup.drafting.facts import extract_facts
from followup.drafting.model import Extraction, Finding
from followup.drafting.recap import draft_recap
from followup.drafting.roles import extract_roles
from followup.drafting.rules import RuleExtractor
from followup.drafting.transcript import parse_transcript

SNAPSHOT = parse_snapshot({
    "Account": {"Id": "001F", "Name": "Larchmont Bakeries", "BillingCountry": "NL"},
    "Opportunity": {"Id": "006F", "Name": "Larchmont - Scheduling", "StageName": "Qualification", "Amount": 60000},
    "Contacts": [{"Id": "003F", "Name": "Ilse Vermeer", "Email": "ilse@larchmont.example", "Title": "Head of Store Operations"},
                 {"Id": "003G", "Name": "Joost Bakker", "Email": "joost@larchmont.example", "Title": "IT Manager"}],
    "call": {"date": "2026-03-10", "rep": {"name": "Maya Stern", "email": "maya.stern@planwise.example"}},
})
TEXT = (
    "Maya Stern: Thanks both. Where are you with the evaluation?\n"
    "Ilse Vermeer: Honestly, the price is too high for us. Shiftly came in at forty thousand a year.\n"
    "Ilse Vermeer: Today every store manager builds the rota in a spreadsheet, and it takes six hours a week per store.\n"
    "Joost Bakker: Employee data has to stay in the EU, that is a hard requirement. Our security team will want the SOC 2 report.\n"
    "Ilse Vermeer: Anything that changes schedules has to go to the works council first. The budget was approved in January.\n"
    "Ilse Vermeer: Our CFO, Pieter Smit, signs anything over fifty thousand. Call me on 06 1234 5678 if needed.\n"
    "Maya Stern: Our platform is seamless, I'll send the revised quote by Friday.\n")


def _extract():
    transcript = parse_transcript(TEXT)
    ctx = build_context(transcript, SNAPSHOT)
    roles = extract_roles(ctx)
    return extract_facts(ctx, roles), transcript


def _grounded(findings, transcript):
    texts = [t.text for t in transcript.turns]
    return all(e.source == "crm" or any(e.quote in t for t in texts) for f in findings for e in f.evidence)


def test_competitor_named_with_evidence_but_not_the_vendor_or_account():
    out, transcript = _extract()
    names = [c.value for c in out["competitors"]]
    assert names == ["Shiftly"]
    assert "came in at" in out["competitors"][0].evidence[0].quote
    assert _grounded(out["competitors"], transcript)


def test_objections_by_category_from_the_buyer_side_only():
    out, transcript = _extract()
    kinds = {o.kind: o for o in out["objections"]}
    assert {"price", "security", "works_council"} <= set(kinds)
    assert "too high" in kinds["price"].value
    assert all(isinstance(o, Finding) and o.certainty in {"explicit", "inferred"} and 0 < o.confidence < 1
               for o in out["objections"])
    assert not any("seamless" in o.value for o in out["objections"])  # the rep's pitch is not an objection
    assert _grounded(out["objections"], transcript)


def test_meddicc_and_bant_facts():
    out, transcript = _extract()
    facts = out["facts"]
    assert any("Pieter Smit" in f.value for f in facts["economic_buyer"])
    assert any("six hours a week" in f.value for f in facts["metrics"])
    assert any("spreadsheet" in f.value for f in facts["pain"])
    assert any("hard requirement" in f.value for f in facts["decision_criteria"])
    assert any("works council" in f.value for f in facts["decision_process"])
    assert any("approved" in f.value for f in facts["budget"])
    assert [f.value for f in facts["competition"]] == ["Shiftly"]
    assert all(f.kind == key for key, items in facts.items() for f in items)
    assert _grounded([f for items in facts.values() for f in items], transcript)


def test_contact_details_never_become_evidence():
    out, _ = _extract()
    everything = [*out["competitors"], *out["objections"], *[f for items in out["facts"].values() for f in items]]
    assert all("1234 5678" not in e.quote for f in everything for e in f.evidence)


def test_extraction_json_has_new_keys_and_keeps_old_shape():
    extraction = RuleExtractor().extract(parse_transcript(TEXT), SNAPSHOT)
    data = extraction.to_json()
    assert {"next_steps", "fields", "contact_roles", "recap", "competitors", "objections", "facts"} <= set(data)
    assert data["competitors"][0]["value"] == "Shiftly" and data["competitors"][0]["evidence"]
    assert all({"kind", "value", "evidence", "certainty", "confidence"} <= set(o) for o in data["objections"])
    assert {r["name"]: r["in_crm"] for r in data["contact_roles"]}["Pieter Smit"] is False
    json.dumps(data, default=str)


def test_plain_string_objections_from_the_llm_path_still_work():
    legacy = Extraction(objections=["Budget is frozen"], competitors=["Acme"])
    merged = list(dict.fromkeys(legacy.objections + [Finding(kind="price", value="Too expensive")]))
    assert "Budget is frozen" in merged and len(merged) == 2
    assert legacy.to_json()["objections"][0]["value"] == "Budget is frozen"


def test_recap_uses_roles_objections_and_facts_and_passes_checks():
    transcript = parse_transcript(TEXT)
    extraction = RuleExtractor().extract(transcript, SNAPSHOT)
    draft = draft_recap(extraction, SNAPSHOT, transcript)
    body = draft.body
    assert "- Pieter Smit (CFO) — budget sign-off, not on the call" in body
    assert "Ilse Vermeer (Head of Store Operations, Larchmont Bakeries)" in body
    assert "- Price: " in body and "Works council" in body
    assert "Alternatives you mentioned: Shiftly." in body
    assert "1234 5678" not in body
    assert "- Maya Stern: send the revised quote" in body and "Friday 13 March" in body
    assert draft.checks == {"brand_tone": "pass", "claims_policy": "pass", "pii_mask": "pass"}
    assert draft_recap(extraction, SNAPSHOT, transcript).body == body  # deterministic


def test_free_form_notes_give_roles_competitors_and_objections():
    snapshot = parse_snapshot({
        "Account": {"Id": "001N", "Name": "Gullwing Outdoor AB", "BillingCountry": "SE"},
        "Opportunity": {"Id": "006N", "Name": "Gullwing - Storefront"},
        "Contacts": [{"Id": "003N", "Name": "Elin Sjöberg", "Title": "E-commerce Manager", "Email": "elin@gullwing.example"},
                     {"Id": "003O", "Name": "Anders Holm", "Title": "CTO", "Email": "anders@gullwing.example"}],
        "call": {"date": "2026-02-02", "rep": {"name": "Ben Ortiz", "email": "ben@cartfox.example"}},
    })
    notes = ("Call with Elin and Anders, 2 Feb.\n\n"
             "Elin runs the webshop day to day and will be the main user of the tool. She said the price is higher than "
             "what they pay Shopwise today.\n\n"
             "Anders, their CTO, owns the integration. Final sign-off sits with their CEO, Maja Ek, for anything above 200k.\n")
    transcript = parse_transcript(notes)
    ctx = build_context(transcript, snapshot)
    roles = {r.name: r.role for r in extract_roles(ctx)}
    assert roles == {"Elin Sjöberg": "Business User", "Anders Holm": "Technical Buyer", "Maja Ek": "Economic Buyer"}
    out = extract_facts(ctx, extract_roles(ctx))
    assert [c.value for c in out["competitors"]] == ["Shopwise"]
    assert "price" in {o.kind for o in out["objections"]}


def test_small_talk_is_not_a_price_objection_but_a_fee_ask_is():
    text = ("Maya Stern: How was the weekend?\n"
            "Ilse Vermeer: Football is an expensive hobby when you lose. It's a lot.\n"
            "Ilse Vermeer: We can accept the subscription if the migration fee comes down.\n")
    ctx = build_context(parse_transcript(text), SNAPSHOT)
    price = [o for o in extract_facts(ctx)["objections"] if o.kind == "price"]
    assert len(price) == 1 and "migration fee comes down" in price[0].value


def test_literal_prefilter_is_a_necessary_condition_of_a_match():
    import re

    from followup.drafting.context import SentenceIndex, required_literals
    rx = re.compile(r"\b(?:own|owns|hold)\s+the\s+(?:\w+\s)?budget\b|\bbudget\s+holder\b", re.I)
    assert required_literals(rx) == {"budget"}
    assert required_literals(re.compile(r"(?i:quote|offer)\s+from\s+(?P<n>[A-Z]\w+)")) == {"quote", "offer"}
    assert required_literals(re.compile(r"\d+\s*%?")) is None  # nothing literal to test: runs everywhere
    sentences = ["We own the BUDGET here.", "Nothing to see.", "The budget holder is Ana.", "So we hold the budget."]
    index = SentenceIndex(sentences)
    rows = index.any_of(required_literals(rx))
    assert {i for i, s in enumerate(sentences) if rx.search(s)} <= rows
    assert 1 not in rows

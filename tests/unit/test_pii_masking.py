"""PII detection, reversible masking and log redaction (governance.pii)."""
from __future__ import annotations

import glob
import json
from pathlib import Path

import pytest

from governance.pii import Masker, detect, redact, unmask
from governance.policy import DEFAULT_POLICY_PATH, load_policy

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "scenarios" / "dev"


@pytest.mark.parametrize("text, kind, expected", [
    ("reach me at jana.vogt@kessler-antrieb.de.", "EMAIL", "jana.vogt@kessler-antrieb.de"),
    ("my email is jana dot vogt at gmail dot com, thanks", "EMAIL", "jana dot vogt at gmail dot com"),
    ("It's Lucía f d e z dot data at gmail dot com. Got it.", "EMAIL", "Lucía f d e z dot data at gmail dot com"),
    ("just call my mobile, it's 0151 2384 7719.", "PHONE", "0151 2384 7719"),
    ("call +1 (415) 555-0134 tomorrow", "PHONE", "+1 (415) 555-0134"),
    ("Teams, or my mobile, +31 6 4821 3390.", "PHONE", "+31 6 4821 3390"),
    ("My cell's 912-555-0143.", "PHONE", "912-555-0143"),
    ("my personal mobile is 07700 900461. But", "PHONE", "07700 900461"),
    ("the mobile's 0491 570 110 if it's urgent", "PHONE", "0491 570 110"),
    ("send it to my home, 14 rue des Capucins, 69001 Lyon.", "ADDRESS", "14 rue des Capucins, 69001 Lyon"),
    ("It's 7 Glenview Terrace, Douglas, Cork, T12 XK42.", "ADDRESS", "7 Glenview Terrace, Douglas, Cork, T12 XK42"),
    ("Königstraße 12, 70173 Stuttgart is the office", "ADDRESS", "Königstraße 12, 70173 Stuttgart"),
    ("ship to 221 Baker Street, London NW1 6XE please", "ADDRESS", "221 Baker Street, London NW1 6XE"),
    ("Keizersgracht 123, Amsterdam", "ADDRESS", "Keizersgracht 123, Amsterdam"),
    ("Send it to 14 Ashgrove Lawn, Ennis, V95 X2K7 please", "ADDRESS", "14 Ashgrove Lawn, Ennis, V95 X2K7"),
    ("the Eircode is D02 AF30", "ADDRESS", "D02 AF30"),
    ("postcode SW1A 1AA", "ADDRESS", "SW1A 1AA"),
    ("deliver to 12 Via Roma, Milano", "ADDRESS", "12 Via Roma, Milano"),
    ("the depot is at Calle Mayor 5", "ADDRESS", "Calle Mayor 5"),
    ("Strandvej 14 in Copenhagen", "ADDRESS", "Strandvej 14"),
    ("Ottawa, Ontario K1A 0B1", "ADDRESS", "K1A 0B1"),
    ("the budget sign-off is with our CFO, Dr. Kern.", "PERSON", "Kern"),
    ("ask my colleague Paola Marino about it", "PERSON", "Paola Marino"),
])
def test_detects_each_kind(text, kind, expected):
    assert (kind, expected) in [(s.kind, s.text) for s in detect(text)]


def test_known_names_full_and_first_names():
    spans = detect("Hallo Jana, is Felix Brandt joining? Jana Vogt said yes.", known_names=["Jana Vogt", "Felix Brandt"])
    assert [s.text for s in spans] == ["Jana", "Felix Brandt", "Jana Vogt"]
    assert {s.kind for s in spans} == {"PERSON"}


@pytest.mark.parametrize("text", [
    "Corvane Enterprise with forty connectors",
    "the order form for 95,000 EUR, about 1,250,000 over three years",
    "close on 2026-06-30, meeting at 10:00 on 24 March 2026",
    "hall 15 at Hannover Messe, SAP S/4HANA and MES",
    "Salesforce opportunity 006Dn00000Hyq05IAB owned by 005Dn0000010oSDIAY",
    "version 2.4.1 and ISO 27001, about 2300 people in 3 plants",
    "Q3 2026 go-live, 12 months, 40 connectors; we meet at the office at ten",
    "VP Operations and Director of Enterprise Analytics from Microsoft Teams",
    "an A380 on Windows 11 Pro, ticket AB12 CDEF, GPT4 and a B2B deal in Room 4",
    "I'll send 2 via email and 3 via the portal",
])
def test_no_over_masking_of_product_words_numbers_and_ids(text):
    assert detect(text) == []


def test_mask_unmask_round_trip_with_stable_placeholders():
    masker = Masker(["Jana Vogt"])
    first, _ = masker.mask("Jana Vogt: call me on 0151 2384 7719 or jana.vogt@kessler-antrieb.de")
    second, mapping = masker.mask("Again: 0151 2384 7719, Jana Vogt.")
    assert first == "<PERSON_1>: call me on <PHONE_1> or <EMAIL_1>"
    assert second == "Again: <PHONE_1>, <PERSON_1>."
    assert unmask(first, mapping) == "Jana Vogt: call me on 0151 2384 7719 or jana.vogt@kessler-antrieb.de"
    assert Masker.unmask("no placeholders", mapping) == "no placeholders"


def test_placeholders_do_not_collide_past_nine():
    masker = Masker([f"Person{chr(65 + i)} Name{chr(65 + i)}" for i in range(12)])
    text = " ".join(f"Person{chr(65 + i)} Name{chr(65 + i)}" for i in range(12))
    masked, mapping = masker.mask(text)
    assert "<PERSON_1>" in masked and "<PERSON_12>" in masked
    assert unmask(masked, mapping) == text


def test_redact_for_logs_follows_policy():
    policy = load_policy(DEFAULT_POLICY_PATH)
    text = "Felix: 0151 2384 7719, felix@x.de, 14 rue des Capucins, 69001 Lyon"
    assert redact(text, ["Felix"], policy=policy) == "[PERSON]: [PHONE], [EMAIL], [ADDRESS]"
    assert redact(text, entities=["EMAIL"]) == "Felix: 0151 2384 7719, [EMAIL], 14 rue des Capucins, 69001 Lyon"
    lenient = policy.model_copy(update={"pii_rules": policy.pii_rules.model_copy(update={"redact_in_logs": False})})
    assert redact(text, ["Felix"], policy=lenient) == text


@pytest.mark.skipif(not DEV.is_dir(), reason="labelled dev calls not present beside the repo")
@pytest.mark.parametrize("call", sorted(p.name for p in DEV.iterdir()) if DEV.is_dir() else [])
def test_every_gold_pii_item_of_the_dev_set_is_masked(call):
    from followup.drafting.transcript import load_transcript

    folder = DEV / call
    gold = json.loads((folder / "gold.json").read_text())
    crm = json.loads((folder / "crm.json").read_text())
    transcript = load_transcript(glob.glob(str(folder / "transcript.*"))[0])
    names = [c["Name"] for c in crm["Contacts"]] + [crm["call"]["rep"]["name"]] + transcript.speakers
    text = "\n".join(f"{t.speaker}: {t.text}" for t in transcript.turns) + "\n" + json.dumps(crm, ensure_ascii=False)
    masked, mapping = Masker(names).mask(text)
    assert [p for p in gold["pii"] if p in masked] == []
    assert unmask(masked, mapping) == text
    assert [p for p in gold["pii"] if p in redact(text, names)] == []

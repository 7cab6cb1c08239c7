"""Content checks catch seeded violations and pass clean text (followup.drafting.content_checks)."""
from __future__ import annotations

import pytest

from followup.drafting.content_checks import PASS, brand_tone, claims_policy, pii_mask, run_checks
from followup.drafting.voice import load_voice

CLEAN = "Hi Amelia,\n\nThank you for the time today.\n\nNext steps\n- Sam: send the reference architecture — by Friday 6 February\n\nBest regards,\nSam"
SOURCES = ["We have three plants and about two thousand three hundred people.", "Pricing for 40 connectors."]


@pytest.mark.parametrize("seed, fragment", [
    ("Just wanted to circle back on this.", "banned phrase"),
    ("Our revolutionary, best-in-class platform.", "hype"),
    ("Great call \U0001F680", "emoji"),
    ("Thanks!! Looking forward!", "exclamation"),
    ("This is ABSOLUTELY critical.", "all-caps"),
])
def test_brand_tone_catches_seeded_violations(seed, fragment):
    voice = load_voice()
    assert brand_tone(CLEAN, voice) == PASS
    assert fragment in brand_tone(CLEAN + "\n" + seed, voice)


def test_brand_tone_word_limit():
    voice = load_voice()
    assert "words" in brand_tone("word " * (voice.max_body_words + 1), voice)


@pytest.mark.parametrize("seed, fragment", [
    ("We cut reporting time by 40%.", "unsupported percentage"),
    ("Results are guaranteed.", "unsupported claim"),
    ("Our platform is SOC 2 certified.", "unsupported claim"),
    ("Customers save 250000 a year.", "numbers not in the call"),
    ("We serve 1,200 manufacturers.", "numbers not in the call"),
])
def test_claims_policy_catches_unsupported_claims(seed, fragment):
    assert claims_policy(CLEAN, SOURCES) == PASS
    assert fragment in claims_policy(CLEAN + "\n" + seed, SOURCES)


def test_claims_policy_accepts_numbers_the_call_or_snippets_support():
    body = CLEAN + "\n- Pricing for 40 connectors across 3 plants, about 2300 people; deep dive on 24 March at 10:00."
    assert claims_policy(body, SOURCES) == PASS
    assert claims_policy("We are ISO certified.", ["our ISO certified data centre"]) == PASS


@pytest.mark.parametrize("seed, kind", [
    ("Call Jonas on 0151 2384 7719.", "PHONE"),
    ("His private address is pieter.vandijk82@gmail.com.", "EMAIL"),
    ("Courier to 7 Glenview Terrace, Douglas, Cork.", "ADDRESS"),
])
def test_pii_mask_catches_contact_details(seed, kind):
    assert pii_mask(CLEAN) == PASS
    result = pii_mask(CLEAN + "\n" + seed)
    assert kind in result and "0151" not in result and "gmail" not in result


def test_pii_mask_allows_the_senders_own_address_and_run_checks_reports_each():
    body = CLEAN + "\nsam.okafor@corvane.io"
    assert pii_mask(body, allowed_emails=["sam.okafor@corvane.io"]) == PASS
    checks = run_checks(body + " Totally amazing!!", load_voice(), SOURCES)
    assert set(checks) == {"brand_tone", "claims_policy", "pii_mask"}
    assert checks["brand_tone"] != PASS and checks["pii_mask"] != PASS and checks["claims_policy"] == PASS

"""The eval scorer itself: a value the labels expect is never a must-not-propose violation, a nearby wrong one is."""
from __future__ import annotations

import json

from followup.domain.proposal import Evidence
from followup.drafting.evaluation import score_dir
from followup.drafting.model import ExtractedField, Extraction

QUOTE = "We land at five hundred and two thousand three hundred and twenty kroner a year."


class Fixed:
    """An extractor that proposes one Amount, whatever the call says."""

    def __init__(self, amount: float):
        self.amount = amount

    def extract(self, transcript, snapshot) -> Extraction:
        return Extraction(fields=[ExtractedField(field="Opportunity.Amount", value=self.amount, certainty="explicit", confidence=0.9,
                                                 evidence=[Evidence(quote=QUOTE, speaker="Ann Buyer", start=None)])])


def _call(root, amount_gold):
    folder = root / "01-call"
    folder.mkdir(parents=True)
    (folder / "transcript.txt").write_text(f"Ann Buyer: {QUOTE}\n")
    (folder / "crm.json").write_text(json.dumps({
        "Account": {"Id": "1", "Name": "Acme", "BillingCountry": "DK"},
        "Opportunity": {"Id": "2", "Name": "Acme deal", "StageName": "Negotiation/Review", "Amount": 450000},
        "Contacts": [], "call": {"date": "2026-05-12", "rep": {"name": "Rita Rep"}}}))
    (folder / "gold.json").write_text(json.dumps({
        "next_steps": [], "contact_roles": [],
        "fields": {"Opportunity.Amount": amount_gold},
        "must_not_propose": [{"field": "Opportunity.Amount", "value": 500000, "why": "the CFO's target line"}]}))
    return root


def test_the_labelled_value_is_not_a_violation_even_within_tolerance_of_a_must_not_value(tmp_path):
    score = score_dir(_call(tmp_path, 502320), Fixed(502320)).summary()
    assert score["must_not_propose_violations"] == [] and score["field_precision"] == 1.0


def test_a_must_not_value_that_is_not_the_labelled_one_is_a_violation(tmp_path):
    score = score_dir(_call(tmp_path, 552720), Fixed(500000)).summary()
    assert score["must_not_propose_violations"] == ["01-call: Opportunity.Amount=500000"]

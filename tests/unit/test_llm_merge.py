"""Merging the model's extraction with the offline rules: agreement, conflicts, free text."""
from __future__ import annotations

from followup.domain.proposal import Evidence
from followup.drafting.llm_extractor import AGREEMENT_BONUS, DISAGREEMENT_PENALTY, merge
from followup.drafting.model import ExtractedField, Extraction


def field(name, value, confidence, quote="q"):
    return ExtractedField(field=name, value=value, evidence=[Evidence(quote=quote, speaker="A")], certainty="explicit",
                          confidence=confidence)


def merged_fields(model, rules):
    return {f.field: f for f in merge(Extraction(fields=model), Extraction(fields=rules)).fields}


def test_agreement_raises_confidence_and_keeps_both_quotes():
    out = merged_fields([field("Opportunity.Amount", 170000.0, 0.80, "model quote")],
                        [field("Opportunity.Amount", 170000.0, 0.85, "rule quote")])["Opportunity.Amount"]
    assert out.confidence == round(0.85 + AGREEMENT_BONUS, 2)
    assert [e.quote for e in out.evidence] == ["rule quote", "model quote"]


def test_conflict_keeps_the_more_confident_value_penalised():
    out = merged_fields([field("Opportunity.Amount", 150000.0, 0.70)], [field("Opportunity.Amount", 170000.0, 0.85)])
    assert out["Opportunity.Amount"].value == 170000.0
    assert out["Opportunity.Amount"].confidence == round(0.85 - DISAGREEMENT_PENALTY, 2)
    out = merged_fields([field("Opportunity.Amount", 150000.0, 0.95)], [field("Opportunity.Amount", 170000.0, 0.85)])
    assert out["Opportunity.Amount"].value == 150000.0


def test_free_text_next_step_prefers_the_model_summary():
    out = merged_fields([field("Opportunity.NextStep", "Deep dive Tue 24 Mar with Felix", 0.70)],
                        [field("Opportunity.NextStep", "Send the invite (Lukas, 10 Mar)", 0.85)])
    assert out["Opportunity.NextStep"].value == "Deep dive Tue 24 Mar with Felix"
    assert out["Opportunity.NextStep"].confidence == round(0.70 - DISAGREEMENT_PENALTY, 2)

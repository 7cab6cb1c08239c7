"""A realistic proposal built from the domain classes, for card previews, benchmarks and tests."""
from __future__ import annotations

import datetime as dt

from followup.domain.proposal import Evidence, FieldChange, Proposal, RecapDraft, TaskProposal, new_id
from governance.gates import gate_for
from governance.policy import TrustLayer

BASE_CHANGES = [
    ("Opportunity", "CloseDate", "2026-12-18", "2026-12-12", 0.93, "explicit", "We need to sign by December 12th."),
    ("Opportunity", "Amount", 60000.0, 72000.0, 0.92, "explicit", "Seventy-two thousand dollars a year works for us."),
    ("Opportunity", "StageName", "Needs Analysis", "Proposal/Price Quote", 0.80, "inferred", "Send the formal quote."),
    ("Opportunity", "NextStep", "Pricing walkthrough", "Quote review with procurement", 0.70, "explicit",
     "Let's do the quote review with procurement."),
    ("Contact", "Role", None, "Economic Buyer", 0.90, "explicit", "I own the budget for this."),
]


def sample_proposal(policy: TrustLayer, *, rep_user_id: str = "rep-1", changes: int = 5, region: str = "us-east",
                    now: dt.datetime | None = None, quote_suffix: str = "", opportunity_id: str = "006A") -> Proposal:
    """``changes`` field changes (cycling through the five typical ones) plus one task."""
    now = now or dt.datetime.now(dt.timezone.utc)
    proposal = Proposal(
        region=region, account_id="001A", account_name="Acme Corp", opportunity_id=opportunity_id,
        opportunity_name="Acme - Platform", rep_name="Priya Shah", rep_email="priya@example.com", rep_user_id=rep_user_id,
        call_date=now.date(), created_at=now, expires_at=now + dt.timedelta(minutes=policy.approvals.default.timeout_minutes),
        recap=RecapDraft(subject="Recap: Acme platform call", to=["carla@acme.example"],
                         body="Hi Carla,\nThanks for your time today.\nWe agreed to review the quote with procurement.\n"
                              "Next: SOC 2 report by Friday.\nBest,\nPriya",
                         checks={"brand_tone": "pass", "claims_policy": "pass", "pii_mask": "pass"}),
    )
    for i in range(changes):
        obj, field, before, after, confidence, certainty, quote = BASE_CHANGES[i % len(BASE_CHANGES)]
        record_id = {"Opportunity": opportunity_id, "Contact": f"003{i:03d}"}[obj]
        proposal.changes.append(FieldChange(
            id=new_id("chg"), object=obj, record_id=record_id, field=field, before=before, after=after,
            confidence=confidence, certainty=certainty, gate=gate_for(policy, f"{obj}.{field}", confidence),
            evidence=[Evidence(quote=quote + quote_suffix, speaker="Carla Jimenez")]))
    proposal.tasks.append(TaskProposal(
        id=new_id("tsk"), subject="Send SOC 2 report", owner_name="Priya Shah", owner_is_rep=True,
        due_date=now.date() + dt.timedelta(days=3), confidence=0.9, certainty="explicit",
        gate=gate_for(policy, "Task.Subject", 0.9), evidence=[Evidence(quote="I'll send the SOC 2 report.", speaker="Priya Shah")]))
    proposal.send_for_approval()
    return proposal

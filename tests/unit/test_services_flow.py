"""The one-call flow through the services on the embedded store and sandbox CRM, with a fixed extraction."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace as NS

import pytest

from followup.adapters.sandbox_crm import SandboxCrm
from followup.adapters.sqlite_store import SqliteRegionStore
from followup.bootstrap import bootstrap
from followup.config import Settings
from followup.domain.proposal import Evidence, ItemStatus, ProposalStatus, RecapDraft
from followup.domain.snapshot import parse_snapshot
from followup.errors import CardPayloadError, DecisionClosed, InputError, NotAuthorized

REP = "rep-1"
MANAGER = "mgr-1"
T0 = dt.datetime(2026, 11, 17, 14, 0, tzinfo=dt.timezone.utc)  # a Tuesday, inside the change window


def snapshot(country="US"):
    return parse_snapshot({
        "Account": {"Id": "001A", "Name": "Acme", "BillingCountry": country},
        "Opportunity": {"Id": "006A", "Name": "Acme - Platform", "StageName": "Needs Analysis", "CloseDate": "2026-12-18",
                        "Amount": 60000, "NextStep": "Pricing walkthrough"},
        "Contacts": [{"Id": "003A", "Name": "Carla Jimenez", "Title": "VP Operations"}],
        "call": {"date": "2026-11-17", "rep": {"name": "Priya Shah", "user_id": REP}},
    })


def ev(quote):
    return [Evidence(quote=quote, speaker="Carla Jimenez")]


EXTRACTION = NS(
    fields=[
        NS(field="Opportunity.CloseDate", value=dt.date(2026, 12, 12), evidence=ev("sign by December 12th"), certainty="explicit", confidence=0.93),
        NS(field="Opportunity.Amount", value=72000.0, evidence=ev("seventy-two thousand dollars a year"), certainty="explicit", confidence=0.92),
        NS(field="Opportunity.StageName", value="Proposal/Price Quote", evidence=ev("send the formal quote"), certainty="inferred", confidence=0.80),
        NS(field="Opportunity.NextStep", value="Quote review with procurement", evidence=ev("quote review with procurement"), certainty="explicit", confidence=0.70),
        NS(field="Opportunity.Probability", value=80, evidence=ev("pretty positive"), certainty="inferred", confidence=0.9),
        NS(field="Opportunity.CloseDate", value=dt.date(2026, 12, 18), evidence=ev("the 18th stays"), certainty="explicit", confidence=0.9),
    ],
    contact_roles=[NS(name="Carla Jimenez", role="Economic Buyer", contact_id="003A", evidence=ev("I own the budget"), certainty="explicit", confidence=0.9)],
    next_steps=[NS(text="Send SOC 2 report", owner="Priya Shah", due_date=dt.date(2026, 11, 20), evidence=ev("send the SOC 2 report"),
                   certainty="explicit", confidence=0.9, tentative=False)],
)


class Extractor:
    def extract(self, transcript, snapshot):
        return EXTRACTION


@pytest.fixture
def app(tmp_path):
    clock = NS(now=T0)
    settings = Settings(data_dir=tmp_path, role_map={MANAGER: "Manager"})
    crm = SandboxCrm(tmp_path / "crm.sqlite")
    application = bootstrap(settings, crm=crm, extractor=Extractor(),
                            recap_drafter=lambda e, s, t: RecapDraft(subject="Recap", body="Hi"), clock=lambda: clock.now)
    application.test_clock = clock
    crm.seed(snapshot())
    return application


def ingest(app, country="US"):
    return app.ingest("Carla Jimenez: hello there\nPriya Shah: hi", snapshot(country))


def test_ingest_gates_and_blocks(app):
    p = ingest(app)
    fields = {c.qualified_field: c for c in p.changes}
    assert set(fields) == {"Opportunity.CloseDate", "Opportunity.Amount", "Opportunity.StageName", "Opportunity.NextStep", "Contact.Role"}
    assert fields["Opportunity.Amount"].gate.approver_role == "Manager" and fields["Opportunity.Amount"].gate.high_risk
    assert fields["Opportunity.Amount"].gate.additional_step == "FinanceNotify"
    assert not fields["Opportunity.StageName"].gate.meets_threshold  # 0.80 < 0.85
    assert not fields["Opportunity.NextStep"].gate.meets_threshold  # 0.70 < 0.78
    assert [b.reason for b in p.blocked] == ["not_allowlisted"]  # Probability: no role may write it
    assert p.status == ProposalStatus.AWAITING_APPROVAL and p.region == "us-east"
    names = [e.event.name for e in app.store("us-east").entries(p.id)]
    assert names[:2] == ["ChangeBlocked", "ProposalDrafted"]


def test_full_flow_commits_only_approved(app):
    p = ingest(app)
    rep, manager = app.actor_for(REP), app.actor_for(MANAGER)
    p, n = app.approve_all(p.id, rep)
    assert n == 3  # CloseDate, Contact.Role, task — not high-risk, not low-confidence
    amount = next(c for c in p.changes if c.field == "Amount")
    stage = next(c for c in p.changes if c.field == "StageName")
    nxt = next(c for c in p.changes if c.field == "NextStep")
    with pytest.raises(NotAuthorized):
        app.decide(p.id, amount.id, "approve", rep)
    app.decide(p.id, amount.id, "edit", manager, value="75000")
    app.decide(p.id, stage.id, "decline", manager, reason_code="premature")
    p = app.decide(p.id, nxt.id, "approve", rep)
    assert p.status == ProposalStatus.QUEUED
    assert [e.event.name for e in app.store("us-east").entries(p.id)].count("FinanceNotified") == 1
    app.commit_due()
    p = app.get(p.id)
    assert p.status == ProposalStatus.COMMITTED
    opp = app.crm.record("Opportunity", "006A")
    assert opp["Amount"] == 75000.0 and opp["CloseDate"] == "2026-12-12" and opp["StageName"] == "Needs Analysis"
    assert opp["NextStep"] == "Quote review with procurement"
    assert len(app.crm.created("Task")) == 1
    assert app.store("us-east").verify().ok


def test_concurrent_crm_edit_becomes_conflict(app):
    p = ingest(app)
    p, _ = app.approve_all(p.id, app.actor_for(REP))
    app.test_clock.now = T0 + dt.timedelta(hours=3)
    app.sweep()
    app.crm.edit("Opportunity", "006A", CloseDate="2027-01-31")
    app.commit_due()
    p = app.get(p.id)
    close = next(c for c in p.changes if c.field == "CloseDate")
    assert close.status == ItemStatus.CONFLICTED and p.status == ProposalStatus.CONFLICTED
    assert app.crm.record("Opportunity", "006A")["CloseDate"] == "2027-01-31"
    assert [e.kind for e in app.store("us-east").open_exceptions()].count("conflict") == 1


def test_timeout_expires_and_never_commits(app):
    p = ingest(app)
    app.test_clock.now = T0 + dt.timedelta(minutes=121)
    app.sweep()
    p = app.get(p.id)
    assert p.status == ProposalStatus.EXPIRED and all(i.status == ItemStatus.EXPIRED for i in p.items)
    with pytest.raises(DecisionClosed):
        app.decide(p.id, p.changes[0].id, "approve", app.actor_for(REP))
    assert app.commit_due() == []
    assert app.crm.record("Opportunity", "006A")["CloseDate"] == "2026-12-18"


def test_outside_change_window_waits(app):
    p = ingest(app)
    app.test_clock.now = T0 + dt.timedelta(minutes=5)
    app.approve_all(p.id, app.actor_for(REP))
    app.test_clock.now = T0 + dt.timedelta(minutes=125)
    app.sweep()
    app.test_clock.now = dt.datetime(2026, 11, 17, 23, 30, tzinfo=dt.timezone.utc)  # after 22:00
    app.commit_due()
    assert app.get(p.id).status == ProposalStatus.QUEUED
    app.test_clock.now = dt.datetime(2026, 11, 18, 7, 0, tzinfo=dt.timezone.utc)
    app.commit_due()
    assert app.get(p.id).status == ProposalStatus.COMMITTED


def test_refusals_are_audited_and_change_nothing(app):
    p = ingest(app)
    other = app.actor_for("someone-else")
    before = app.get(p.id).model_dump()
    with pytest.raises(NotAuthorized):
        app.decide(p.id, p.changes[0].id, "approve", other)
    with pytest.raises(CardPayloadError):
        app.decide(p.id, "chg_forged", "approve", app.actor_for(REP))
    with pytest.raises(InputError):
        app.decide(p.id, p.changes[0].id, "decline", app.actor_for(REP))
    with pytest.raises(InputError):
        app.decide(p.id, p.changes[0].id, "edit", app.actor_for(REP), value="next week")
    assert app.get(p.id).model_dump() == before
    refused = [e for e in app.store("us-east").entries(p.id) if e.event.name == "DecisionRefused"]
    assert len(refused) == 4


def test_eu_account_stays_in_eu_store(app, tmp_path):
    p = ingest(app, country="DE")
    assert p.region == "eu-west"
    us = SqliteRegionStore(tmp_path / "us-east.sqlite", "us-east")
    assert us.entries(p.id) == [] and all(x.id != p.id for x in us.list())
    assert app.store("eu-west").get(p.id).id == p.id


def test_bootstrap_picks_the_extractor_from_settings(tmp_path):
    offline = bootstrap(Settings(data_dir=tmp_path))
    assert offline.extractor.name == "rules"
    online = bootstrap(Settings(data_dir=tmp_path, llm="openai", openai_endpoint_us_east="http://127.0.0.1:9/v1",
                                openai_endpoint_eu_west="http://127.0.0.1:9/v1", openai_api_key="k"))
    assert online.extractor.name == "llm" and online.extractor.fallback.name == "rules"


def test_bootstrap_uses_salesforce_only_when_credentials_are_set(tmp_path):
    assert "sandbox" in bootstrap(Settings(data_dir=tmp_path)).crm.label
    sf = bootstrap(Settings(data_dir=tmp_path, sf_username="integration@example.com", sf_consumer_key="ck",
                            sf_private_key="-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----", sf_domain="test"))
    assert type(sf.crm).__name__ == "SalesforceCrm"

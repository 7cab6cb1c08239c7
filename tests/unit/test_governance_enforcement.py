"""Every key of the shipped trust_layer is enforced by code: one test (or table) per key.

The flow runs through the real services on SqliteRegionStore (tmp_path) and the SandboxCrm, with a
fixed extraction, so each assertion is about what the trust layer lets through or stops.
"""
from __future__ import annotations

import copy
import datetime as dt
from types import SimpleNamespace as NS

import pytest
import yaml

from followup.adapters.sandbox_crm import SandboxCrm
from followup.bootstrap import bootstrap
from followup.config import Settings
from followup.domain.proposal import (Decision, Evidence, FieldChange, Gate, ItemStatus, Proposal, ProposalStatus,
                                      RecapDraft)
from followup.domain.snapshot import parse_snapshot
from followup.errors import DecisionClosed, NotAuthorized, PolicyError
from followup.ports import PromptLogEntry
from followup.services import ingest as ingest_service
from followup.services.brief import build_brief
from followup.services.timeouts import purge_prompt_log, sweep_timeouts
from governance.change_window import is_open
from governance.gates import bulk_approvable, check_can_approve, gate_for
from governance.policy import DEFAULT_POLICY_PATH, field_allowed, load_policy, parse_policy
from governance.residency import region_for, residency_gaps

POLICY = load_policy(DEFAULT_POLICY_PATH)
RAW = yaml.safe_load(DEFAULT_POLICY_PATH.read_text())
REP, MANAGER, OTHER_AE = "rep-1", "mgr-1", "rep-2"
T0 = dt.datetime(2026, 11, 17, 14, 0, tzinfo=dt.timezone.utc)  # Tuesday, inside the change window
OWNERS = ["maria.garcia@company.com", "jamie.hsu@company.com"]


def variant(mutate) -> object:
    raw = copy.deepcopy(RAW)
    mutate(raw["trust_layer"])
    return parse_policy(raw)


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


def field(name, value, confidence):
    return NS(field=name, value=value, evidence=ev(f"about {name}"), certainty="explicit", confidence=confidence)


EXTRACTION = NS(
    fields=[field("Opportunity.CloseDate", dt.date(2026, 12, 12), 0.93),
            field("Opportunity.Amount", 72000.0, 0.92),
            field("Opportunity.StageName", "Proposal/Price Quote", 0.86),
            field("Opportunity.NextStep", "Quote review with procurement", 0.70),
            field("Opportunity.Probability", 80, 0.95)],
    contact_roles=[NS(name="Carla Jimenez", role="Economic Buyer", contact_id="003A", evidence=ev("I own the budget"),
                      certainty="explicit", confidence=0.9)],
    next_steps=[NS(text="Send SOC 2 report", owner="Priya Shah", due_date=dt.date(2026, 11, 20),
                   evidence=ev("send the SOC 2 report"), certainty="explicit", confidence=0.9, tentative=False)],
)


class Extractor:
    def extract(self, transcript, snapshot):
        return EXTRACTION


def make_app(tmp_path, policy=POLICY, start=T0, country="US"):
    clock = NS(now=start)
    crm = SandboxCrm(tmp_path / "crm.sqlite")
    app = bootstrap(Settings(data_dir=tmp_path, role_map={MANAGER: "Manager"}), policy=policy, crm=crm,
                    extractor=Extractor(), recap_drafter=lambda e, s, t: RecapDraft(subject="Recap", body="Hi"),
                    clock=lambda: clock.now)
    app.test_clock = clock
    crm.seed(snapshot(country))
    return app


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


def ingest(app, country="US"):
    return app.ingest("Carla Jimenez: hello there\nPriya Shah: hi", snapshot(country))


def by_field(p, name):
    return next(i for i in p.items if i.qualified_field == name)


def names(app, p, region="us-east"):
    return [e.event.name for e in app.store(region).entries(p.id)]


def decide_everything(app, p):
    """Rep approves AE items, manager approves the high-risk ones; returns the queued proposal."""
    rep, manager = app.actor_for(REP), app.actor_for(MANAGER)
    for item in p.items:
        actor = manager if item.gate.approver_role == "Manager" else rep
        p = app.decide(p.id, item.id, "approve", actor)
    assert p.status == ProposalStatus.QUEUED
    return p


# ------------------------------------------------------------------------------------------------ owners
@pytest.mark.parametrize("key", ["revops_owner", "sales_ops_owner", "security_reviewer"])
def test_owners_must_be_email_addresses(key):
    with pytest.raises(PolicyError) as err:
        variant(lambda t: t["owners"].__setitem__(key, "Jamie Hsu"))
    assert err.value.problems == [f"owners.{key}: Value error, not an email address: 'Jamie Hsu'"]


def test_exception_owners_are_validated_and_put_on_queue_items(app):
    with pytest.raises(PolicyError) as err:
        variant(lambda t: t["exceptions"].__setitem__("owners", ["maria.garcia@company.com", "jamie"]))
    assert err.value.problems[0].startswith("exceptions.owners:")
    p = ingest(app)
    app.test_clock.now = T0 + dt.timedelta(minutes=120)
    app.sweep()
    [item] = app.store("us-east").open_exceptions()
    assert item.owners == OWNERS and item.proposal_id == p.id


# ----------------------------------------------------------------------------------------------- regions
@pytest.mark.parametrize("country, region", [
    *[(c, "eu-west") for c in ["DE", "FR", "NL", "IE", "ES", "IT"]],
    ("de", "eu-west"), (" fr ", "eu-west"), ("Nl", "eu-west"),
    *[(c, "us-east") for c in ["GB", "US", "CA", "AU", "gb", "", None]],
])
def test_routing_rules_pick_the_region(country, region):
    assert region_for(POLICY, country) == region


def test_residency_gaps_name_eu_countries_the_rules_leave_in_a_non_eu_region():
    gaps = residency_gaps(POLICY)
    assert list(gaps) == ["us-east"]
    assert {"AT", "BE", "PL", "SE", "NO"} <= set(gaps["us-east"])
    assert not {"DE", "FR", "NL", "IE", "ES", "IT", "GB", "US"} & set(gaps["us-east"])


def test_eu_call_is_stored_only_in_eu_west(app):
    app.crm.edit("Account", "001A", BillingCountry="DE")
    p = ingest(app, country="DE")
    assert p.region == "eu-west"
    assert app.store("eu-west").get(p.id).id == p.id
    assert names(app, p, "us-east") == [] and "ProposalDrafted" in names(app, p, "eu-west")


# ------------------------------------------------------------------------------------------------- rbacs
@pytest.mark.parametrize("name, ae, manager", [
    ("Opportunity.NextStep", True, False), ("Opportunity.Amount", False, True), ("Opportunity.CloseDate", True, True),
    ("Task.Priority", False, True), ("Task.Subject", True, True), ("Task.DueDate", True, True),
    ("Activity.EmailMessageId", True, False), ("Opportunity.Probability", False, False), ("Account.Name", False, False),
])
def test_role_allowlists_with_wildcard(name, ae, manager):
    assert field_allowed(POLICY.role("AE").write_allowlist, name) is ae
    assert field_allowed(POLICY.role("Manager").write_allowlist, name) is manager


def test_ae_approval_counts_only_for_ae_allowlisted_fields():
    assert check_can_approve(POLICY, {"AE"}, gate_for(POLICY, "Opportunity.NextStep", 0.9)) == "AE"
    # A gate naming AE on a field AE may not write still refuses an AE.
    forged = Gate(field="Opportunity.StageName", approver_role="AE", confidence_min=0.78, meets_threshold=True)
    with pytest.raises(NotAuthorized):
        check_can_approve(POLICY, {"AE"}, forged)
    with pytest.raises(NotAuthorized):
        check_can_approve(POLICY, {"AE"}, gate_for(POLICY, "Opportunity.Amount", 0.99))
    assert gate_for(POLICY, "Task.Priority", 0.9).approver_role == "Manager"  # only Manager's Task.* covers it


def test_value_no_role_may_write_is_blocked_not_proposed(tmp_path):
    crm = SandboxCrm(tmp_path / "crm.sqlite")
    p = ingest_service.build_proposal(EXTRACTION, snapshot(), RecapDraft(subject="s", body="b"), POLICY, crm,
                                      "us-east", now=T0)
    assert "Opportunity.Probability" not in {c.qualified_field for c in p.changes}
    assert [(b.field, b.value, b.reason) for b in p.blocked] == [("Opportunity.Probability", 80, "not_allowlisted")]
    assert [e.payload["reason"] for e in p.pull_events() if e.name == "ChangeBlocked"] == ["not_allowlisted"]


# --------------------------------------------------------------------------------------------- approvals
@pytest.mark.parametrize("confidence, meets", [(0.78, True), (0.7799, False), (0.95, True), (0.0, False)])
def test_default_gate_threshold_and_approver(confidence, meets):
    gate = gate_for(POLICY, "Opportunity.CloseDate", confidence)
    assert (gate.approver_role, gate.confidence_min, gate.meets_threshold, gate.high_risk) == ("AE", 0.78, meets, False)


def test_timeout_expires_items_and_never_commits(app):
    p = ingest(app)
    app.decide(p.id, by_field(p, "Opportunity.CloseDate").id, "approve", app.actor_for(REP))
    app.test_clock.now = T0 + dt.timedelta(minutes=119)
    assert sweep_timeouts(app.store("us-east"), POLICY, app.test_clock.now) == []
    app.test_clock.now = T0 + dt.timedelta(minutes=120)
    [swept] = app.sweep()
    assert swept.status == ProposalStatus.QUEUED  # the one approved item still commits
    expired = [i for i in swept.items if i.status == ItemStatus.EXPIRED]
    assert len(expired) == len(p.items) - 1
    app.commit_due()
    opp = app.crm.record("Opportunity", "006A")
    assert opp["CloseDate"] == "2026-12-12"  # approved before the timeout
    assert (opp["Amount"], opp["StageName"], opp["NextStep"]) == (60000, "Needs Analysis", "Pricing walkthrough")
    assert app.crm.created("Task") == [] and app.crm.record("OpportunityContactRole", "006A:003A") is None
    refusals_before = names(app, p).count("DecisionRefused")
    with pytest.raises(DecisionClosed):
        app.decide(p.id, by_field(p, "Opportunity.NextStep").id, "approve", app.actor_for(REP))
    assert names(app, p).count("DecisionRefused") == refusals_before + 1


def test_amount_needs_manager_then_finance_notify(app):
    p = ingest(app)
    amount = by_field(p, "Opportunity.Amount")
    assert (amount.gate.approver_role, amount.gate.confidence_min, amount.gate.additional_step) == ("Manager", 0.90, "FinanceNotify")
    with pytest.raises(NotAuthorized):
        app.decide(p.id, amount.id, "approve", app.actor_for(REP))
    assert "FinanceNotified" not in names(app, p)
    app.decide(p.id, amount.id, "approve", app.actor_for(MANAGER))
    [notice] = [e.event for e in app.store("us-east").entries(p.id) if e.event.name == "FinanceNotified"]
    assert (notice.actor, notice.payload["before"], notice.payload["after"]) == (MANAGER, 60000, 72000.0)


def test_stage_name_needs_manager_at_085(app):
    p = ingest(app)
    stage = by_field(p, "Opportunity.StageName")
    assert (stage.gate.approver_role, stage.gate.confidence_min, stage.gate.high_risk) == ("Manager", 0.85, True)
    assert stage.gate.additional_step is None
    with pytest.raises(NotAuthorized):
        app.decide(p.id, stage.id, "approve", app.actor_for(REP))
    app.decide(p.id, stage.id, "approve", app.actor_for(MANAGER))
    assert "FinanceNotified" not in names(app, p)


def test_bulk_approval_skips_low_confidence_and_high_risk(app):
    p = ingest(app)
    p, n = app.approve_all(p.id, app.actor_for(REP))
    assert n == 3  # CloseDate 0.93, Contact.Role 0.9, task 0.9
    assert by_field(p, "Opportunity.NextStep").status == ItemStatus.PENDING  # 0.70 < 0.78
    p, n = app.approve_all(p.id, app.actor_for(MANAGER))
    assert n == 0  # Amount 0.92 and StageName 0.86 clear their thresholds but are high-risk
    assert all(not bulk_approvable(i.gate) for i in p.pending)


# ----------------------------------------------------------------------------------------------- logging
def test_retention_days_purges_old_prompt_log_entries(app):
    store = app.store("us-east")
    for days in (366, 364):
        store.record(PromptLogEntry(id=f"p{days}", region="us-east", at=T0 - dt.timedelta(days=days), purpose="extract",
                                    model="m", endpoint="http://127.0.0.1", masked_prompt=[], outcome="ok"))
    assert purge_prompt_log(store, POLICY, T0) == 1
    assert store.get_prompt("p364").id == "p364"
    short = variant(lambda t: t["logging"].__setitem__("retention_days", 30))
    assert purge_prompt_log(store, short, T0) == 1


def test_field_diffs_audit_before_and_after(app):
    p = decide_everything(app, ingest(app))
    app.commit_due()
    entries = [e.event for e in app.store("us-east").entries(p.id)]
    drafted = next(e for e in entries if e.name == "ProposalDrafted")
    assert {"field": "Opportunity.Amount", "before": 60000, "after": 72000.0, "confidence": 0.92, "gate": "Manager"} in drafted.payload["changes"]
    committed = {e.payload["field"]: e.payload for e in entries if e.name == "ChangeCommitted"}
    assert (committed["Opportunity.CloseDate"]["before"], committed["Opportunity.CloseDate"]["after"]) == ("2026-12-18", "2026-12-12")
    assert (committed["Opportunity.NextStep"]["before"], committed["Opportunity.NextStep"]["after"]) == (
        "Pricing walkthrough", "Quote review with procurement")
    assert app.store("us-east").verify().ok



def test_field_diffs_false_keeps_the_fields_but_not_the_values(tmp_path):
    app = make_app(tmp_path, policy=variant(lambda t: t["logging"].__setitem__("field_diffs", False)))
    p = decide_everything(app, ingest(app))
    app.commit_due()
    entries = [e.event for e in app.store("us-east").entries(p.id)]
    drafted = next(e for e in entries if e.name == "ProposalDrafted")
    amount = next(c for c in drafted.payload["changes"] if c["field"] == "Opportunity.Amount")
    assert amount["before"] == amount["after"] == "omitted (logging.field_diffs: false)" and amount["gate"] == "Manager"
    committed = [e.payload for e in entries if e.name == "ChangeCommitted"]
    assert committed and all(c["after"] == c["before"] == "omitted (logging.field_diffs: false)" for c in committed)
    statuses = [e.payload for e in entries if e.name == "ProposalStatusChanged"]
    assert statuses[0]["before"] == "drafted"  # state changes are not field diffs
    assert "72000" not in str([e.payload for e in entries]) and app.store("us-east").verify().ok


def test_redact_in_logs_applies_to_audit_payloads(tmp_path):
    def contact_details(extraction):
        extraction.fields.append(field("Opportunity.NextStep", "Call Carla on +1 415 555 0100 or carla@acme.example", 0.9))
        return extraction

    app = make_app(tmp_path)
    app._extractor = NS(extract=lambda t, s: contact_details(copy.deepcopy(EXTRACTION)))
    p = ingest(app)
    audit = str([e.event.payload for e in app.store("us-east").entries(p.id)])
    assert "555 0100" not in audit and "carla@acme.example" not in audit and "[PHONE]" in audit and "[EMAIL]" in audit
    off = make_app(tmp_path / "off", policy=variant(lambda t: t["pii_rules"].__setitem__("redact_in_logs", False)))
    off._extractor = app._extractor
    p = ingest(off)
    assert "carla@acme.example" in str([e.event.payload for e in off.store("us-east").entries(p.id)])


def test_evidence_store_gets_a_bundle_per_proposal_under_its_region(tmp_path):
    import hashlib
    import json

    from followup.services.evidence import bundle_digest

    app = make_app(tmp_path)
    us, eu = ingest(app, "US"), ingest(app, "DE")
    for p, region in ((us, "us-east"), (eu, "eu-west")):
        [archived] = [e.event for e in app.store(region).entries(p.id) if e.event.name == "EvidenceArchived"]
        assert archived.payload["uri"] == f"s3://audit/sales-followup-copilot/{region}/{p.id}.json"
        bundle = json.loads((tmp_path / "evidence" / region / f"{p.id}.json").read_text())
        assert bundle_digest(bundle) == archived.payload["sha256"] and bundle["region"] == region
        assert bundle["transcript_sha256"] == hashlib.sha256(b"Carla Jimenez: hello there\nPriya Shah: hi").hexdigest()
        assert {i["field"] for i in bundle["items"]} >= {"Opportunity.CloseDate", "Task.Subject"}
        assert all(i["evidence"][0]["quote"] for i in bundle["items"])
    assert not (tmp_path / "evidence" / "us-east" / f"{eu.id}.json").exists()
    local = make_app(tmp_path / "f", policy=variant(lambda t: t["logging"].__setitem__("evidence_store", f"file://{tmp_path}/ev")))
    p = ingest(local)
    assert (tmp_path / "ev" / "us-east" / f"{p.id}.json").exists()


def test_evidence_store_outage_is_a_store_error_and_nothing_is_stored(tmp_path):
    from followup.errors import StoreError

    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the archive directory should be")
    app = make_app(tmp_path, policy=variant(lambda t: t["logging"].__setitem__("evidence_store", f"file://{blocker}")))
    with pytest.raises(StoreError, match="evidence store"):
        ingest(app)
    assert app.store("us-east").list() == []


def test_retention_purge_runs_over_every_region_and_the_evidence(tmp_path):
    import os

    app = make_app(tmp_path)
    p = ingest(app)
    old = (T0 - dt.timedelta(days=400)).timestamp()
    os.utime(tmp_path / "evidence" / "us-east" / f"{p.id}.json", (old, old))
    for region in ("us-east", "eu-west"):
        app.store(region).record(PromptLogEntry(id=f"old-{region}", region=region, at=T0 - dt.timedelta(days=366),
                                                purpose="extract", model="m", endpoint="http://127.0.0.1",
                                                masked_prompt=[], outcome="ok"))
    assert app.purge_logs() == {"us-east": 1, "eu-west": 1, "evidence": 1}
    assert app.purge_logs() == {"us-east": 0, "eu-west": 0, "evidence": 0}


# ------------------------------------------------------------------------------------- actions.recap_email
def test_recap_email_disabled_drafts_nothing(tmp_path):
    from followup.errors import DomainError

    app = make_app(tmp_path, policy=variant(lambda t: t["actions"]["recap_email"].__setitem__("enabled", False)))
    p = ingest(app)
    assert p.recap is None and p.items
    with pytest.raises(DomainError, match="no recap was drafted"):
        app.recap_sent(p.id, app.actor_for(REP))


def test_recap_email_checks_sender_and_sla_come_from_the_policy(tmp_path, monkeypatch):
    import time

    import followup.drafting.recap as recap_module

    seen = {}

    def slow_drafter(extraction, snap, transcript, checks):
        seen["checks"] = checks
        time.sleep(0.01)
        return RecapDraft(subject="Recap", body="Hi")

    monkeypatch.setattr(recap_module, "draft_recap", slow_drafter)
    app = make_app(tmp_path, policy=variant(lambda t: t["actions"]["recap_email"].update(content_checks=["pii_mask"], sla_ms=1)))
    app._recap_drafter = None  # the production drafter, configured from the policy
    snap = snapshot()
    snap.call.rep.email = "priya@vendor.example"
    p = app.ingest("Carla Jimenez: hello there\nPriya Shah: hi", snap)
    assert seen["checks"] == ("pii_mask",)
    assert p.recap.sender == "priya@vendor.example" and p.recap.draft_ms >= 10
    [missed] = [e.event for e in app.store("us-east").entries(p.id) if e.event.name == "RecapSlaMissed"]
    assert missed.payload == {"draft_ms": p.recap.draft_ms, "sla_ms": 1}
    [exception] = [x for x in app.store("us-east").open_exceptions() if x.kind == "recap_sla_missed"]
    assert exception.proposal_id == p.id and exception.owners == OWNERS

# ------------------------------------------------------------------------------------- actions.crm_updates
def test_commit_outside_window_waits_for_next_opening(tmp_path):
    friday = dt.datetime(2026, 11, 20, 21, 0, tzinfo=dt.timezone.utc)
    app = make_app(tmp_path, start=friday)
    p = decide_everything(app, ingest(app))
    app.test_clock.now = dt.datetime(2026, 11, 20, 22, 0, tzinfo=dt.timezone.utc)  # end is exclusive
    app.commit_due()
    assert app.get(p.id).status == ProposalStatus.QUEUED
    [job] = app.store("us-east").due(dt.datetime(2026, 11, 30, tzinfo=dt.timezone.utc))
    monday = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.timezone.utc)
    assert job.not_before == monday and is_open(POLICY.actions.crm_updates.change_window, monday)
    app.test_clock.now = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.timezone.utc)  # Saturday noon
    assert app.commit_due() == []
    assert app.crm.record("Opportunity", "006A")["Amount"] == 60000
    app.test_clock.now = monday
    app.commit_due()
    assert app.get(p.id).status == ProposalStatus.COMMITTED
    assert app.crm.record("Opportunity", "006A")["Amount"] == 72000.0


@pytest.mark.parametrize("batch, calls", [(True, 1), (False, 6)])
def test_batch_commit_groups_writes_in_one_apply_call(tmp_path, batch, calls):
    policy = variant(lambda t: t["actions"]["crm_updates"].__setitem__("batch_commit", batch))
    app = make_app(tmp_path, policy=policy)
    p = decide_everything(app, ingest(app))
    assert len(p.to_commit) == 6  # 5 field changes + 1 task
    before = app.crm.api_calls
    app.commit_due()
    assert app.crm.api_calls - before == calls
    assert app.get(p.id).status == ProposalStatus.COMMITTED


def test_crm_updates_disabled_writes_nothing(tmp_path):
    policy = variant(lambda t: t["actions"]["crm_updates"].__setitem__("enabled", False))
    app = make_app(tmp_path, policy=policy)
    p = decide_everything(app, ingest(app))
    before = app.crm.api_calls
    app.commit_due()
    assert app.crm.api_calls == before
    assert app.get(p.id).status == ProposalStatus.QUEUED
    assert app.crm.record("Opportunity", "006A")["CloseDate"] == "2026-12-18" and app.crm.created("Task") == []


# --------------------------------------------------------------------------------------------- telemetry
def synthetic(accepted: int, declined: int, next_step: bool) -> Proposal:
    p = Proposal(region="us-east", account_id="001A", account_name="Acme", opportunity_id="006A", opportunity_name="Acme",
                 rep_name="Priya", call_date=dt.date(2026, 11, 17), created_at=T0, expires_at=T0 + dt.timedelta(hours=2),
                 status=ProposalStatus.COMMITTED, recap=RecapDraft(subject="s", body="b"))
    gate = gate_for(POLICY, "Opportunity.CloseDate", 0.9)
    for n in range(accepted + declined):
        ok = n < accepted
        p.changes.append(FieldChange(
            id=f"c{n}", object="Opportunity", record_id="006A", field="CloseDate", after="2026-12-12", confidence=0.9,
            certainty="explicit", evidence=[], gate=gate, status=ItemStatus.COMMITTED if ok else ItemStatus.DECLINED,
            decision=Decision(action="approve", by=REP) if ok else Decision(action="decline", by=REP, reason_code="premature")))
    if next_step:
        p.changes.append(FieldChange(
            id="ns", object="Opportunity", record_id="006A", field="NextStep", after="Call", confidence=0.9,
            certainty="explicit", evidence=[], gate=gate, status=ItemStatus.DECLINED,
            decision=Decision(action="decline", by=REP, reason_code="other", reason_text="x")))
    return p


def alerts(proposals):
    brief = build_brief(proposals, [], POLICY, T0 - dt.timedelta(hours=1), T0 + dt.timedelta(hours=1))
    assert brief.channel == "#revops-trust-alerts"
    assert {m.name: m.target for m in brief.metrics} == {"field_update_acceptance_rate": 0.80, "next_step_coverage": 0.90,
                                                         "time_to_send_recap_ms": 120000}
    return {m.name: (round(m.value, 4), m.alert) for m in brief.metrics if m.value is not None}, brief.alerts


@pytest.mark.parametrize("accepted, declined, value, alert", [(5, 6, 0.4545, True), (6, 3, 0.6667, False), (3, 2, 0.6, False)])
def test_acceptance_alert_below_060(accepted, declined, value, alert):
    # the declined NextStep counts as one more decided change
    metrics, texts = alerts([synthetic(accepted, declined - 1, next_step=True)])
    assert metrics["field_update_acceptance_rate"] == (value, alert)
    assert any("field_update_acceptance_rate" in t for t in texts) is alert


@pytest.mark.parametrize("covered, total, alert", [(2, 4, True), (3, 4, False), (4, 4, False)])
def test_next_step_coverage_alert_below_075(covered, total, alert):
    proposals = [synthetic(1, 0, next_step=False) for _ in range(total)]  # an approved CloseDate is not a next step
    for p in proposals[:covered]:
        p.changes[0].field = "NextStep"
    metrics, texts = alerts(proposals)
    assert metrics["next_step_coverage"] == (covered / total, alert)
    assert any("next_step_coverage" in t for t in texts) is alert


# -------------------------------------------------------------------------------------------- exceptions
class RejectingCrm(SandboxCrm):
    def apply(self, opportunity_id, writes):
        self.api_calls += 1
        from followup.ports import WriteOutcome

        return [WriteOutcome(key=w.key, status="failed", error="FIELD_CUSTOM_VALIDATION_EXCEPTION", retryable=False)
                for w in writes]


def test_conflict_failure_and_expiry_become_queue_items_with_sla(tmp_path):
    sla = dt.timedelta(minutes=240)
    app = make_app(tmp_path / "a")
    decide_everything(app, ingest(app))
    app.crm.edit("Opportunity", "006A", Amount=1)
    app.test_clock.now = T0 + dt.timedelta(minutes=1)
    app.commit_due()
    expire_app = make_app(tmp_path / "b")
    ingest(expire_app)
    expire_app.test_clock.now = T0 + dt.timedelta(minutes=125)
    expire_app.sweep()
    fail_app = make_app(tmp_path / "c")
    fail_app.crm = RejectingCrm(tmp_path / "c" / "crm.sqlite")
    fp = decide_everything(fail_app, ingest(fail_app))
    fail_app.test_clock.now = T0 + dt.timedelta(minutes=2)
    fail_app.commit_due()
    assert fail_app.get(fp.id).status == ProposalStatus.FAILED
    for a, kind in ((app, "conflict"), (expire_app, "expired"), (fail_app, "commit_failed")):
        items = [e for e in a.store("us-east").open_exceptions() if e.kind == kind]
        assert items, kind
        for item in items:
            assert item.due_by == item.created_at + sla == a.test_clock.now + sla
            assert item.owners == OWNERS


# --------------------------------------------------------------------------------------------- pii_rules
LOG_LINE = "Carla Jimenez (carla@acme.example, +1 415 555 0100) at 12 Market Street"


def test_pii_rules_pick_entities_and_redaction_in_logs():
    from governance.pii import redact

    redacted = redact(LOG_LINE, ["Carla Jimenez"], policy=POLICY)
    for kind in ("[PERSON]", "[EMAIL]", "[PHONE]", "[ADDRESS]"):
        assert kind in redacted, redacted
    assert "carla@acme.example" not in redacted and "555" not in redacted and "Jimenez" not in redacted
    emails_only = variant(lambda t: t["pii_rules"].__setitem__("detect_entities", ["EMAIL"]))
    assert redact(LOG_LINE, ["Carla Jimenez"], policy=emails_only) == LOG_LINE.replace("carla@acme.example", "[EMAIL]")
    off = variant(lambda t: t["pii_rules"].__setitem__("redact_in_logs", False))
    assert redact(LOG_LINE, ["Carla Jimenez"], policy=off) == LOG_LINE
    with pytest.raises(PolicyError) as err:
        variant(lambda t: t["pii_rules"].__setitem__("detect_entities", ["PERSON", "SSN"]))
    assert err.value.problems[0].startswith("pii_rules.detect_entities[1]:")

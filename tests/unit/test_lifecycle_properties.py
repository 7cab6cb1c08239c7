"""Random sequences of decisions, expiry and commit outcomes stay inside the lifecycle transition tables."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings, strategies as st

from followup.domain.proposal import (ITEM_TRANSITIONS, PROPOSAL_TRANSITIONS, Decision, Evidence, FieldChange, ItemStatus,
                                      Proposal, ProposalStatus, RecapDraft, TaskProposal)
from followup.errors import DecisionClosed, IllegalTransition
from governance.gates import gate_for
from governance.policy import DEFAULT_POLICY_PATH, load_policy

POLICY = load_policy(DEFAULT_POLICY_PATH)
T0 = dt.datetime(2026, 11, 17, 14, 0, tzinfo=dt.timezone.utc)
FIELDS = ["CloseDate", "NextStep", "Amount", "StageName"]


def proposal(n_fields: int, n_tasks: int) -> Proposal:
    p = Proposal(region="us-east", account_id="001A", account_name="Acme", opportunity_id="006A", opportunity_name="Acme",
                 rep_name="Priya", rep_user_id="rep-1", call_date=T0.date(), created_at=T0,
                 expires_at=T0 + dt.timedelta(minutes=120), recap=RecapDraft(subject="s", body="b"))
    for n in range(n_fields):
        name = FIELDS[n % len(FIELDS)]
        p.changes.append(FieldChange(id=f"chg{n}", object="Opportunity", record_id="006A", field=name, before="x",
                                     after=f"v{n}", confidence=0.9, certainty="explicit", evidence=[Evidence(quote="q")],
                                     gate=gate_for(POLICY, f"Opportunity.{name}", 0.9)))
    for n in range(n_tasks):
        p.tasks.append(TaskProposal(id=f"tsk{n}", subject="Send report", owner_name="Priya", confidence=0.9,
                                    certainty="explicit", evidence=[], gate=gate_for(POLICY, "Task.Subject", 0.9)))
    return p


ops = st.one_of(
    st.tuples(st.just("decide"), st.integers(0, 5), st.sampled_from(["approve", "edit", "decline"]), st.integers(0, 200)),
    st.tuples(st.just("expire"), st.integers(0, 200)),
    st.tuples(st.just("outcome"), st.integers(0, 5), st.sampled_from(["committed", "conflict", "failed_retry", "failed_final"])),
    st.tuples(st.just("settle")),
    st.tuples(st.just("requeue")),
)


def apply(p: Proposal, op) -> None:
    kind = op[0]
    items = p.items
    if kind == "decide":
        _, idx, action, minutes = op
        item = items[idx % len(items)]
        decision = Decision(action=action, by="rep-1", value="edited" if action == "edit" else None,
                            reason_code="premature" if action == "decline" else None)
        p.decide(item.id, decision, now=T0 + dt.timedelta(minutes=minutes))
    elif kind == "expire":
        p.expire(now=T0 + dt.timedelta(minutes=op[1]))
    elif kind == "outcome":
        item = items[op[1] % len(items)]
        if op[2] == "committed":
            p.mark_committed(item.id)
        elif op[2] == "conflict":
            p.mark_conflicted(item.id, "changed")
        else:
            p.mark_failed(item.id, "boom", retryable=op[2] == "failed_retry")
    elif kind == "settle":
        p.settle_commit()
    else:
        p.requeue()


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 4), st.integers(0, 2), st.lists(ops, max_size=25))
def test_random_sequences_stay_inside_the_tables(n_fields, n_tasks, sequence):
    p = proposal(n_fields, n_tasks)
    p.send_for_approval()
    if not p.items:
        assert p.status == ProposalStatus.CLOSED
        return
    for op in sequence:
        before = p.model_dump()
        before_items = {i.id: i.status for i in p.items}
        before_status = p.status
        p.pull_events()
        try:
            apply(p, op)
        except (IllegalTransition, DecisionClosed):
            assert p.model_dump() == before  # a refused step changes nothing
            assert p.pull_events() == []
            continue
        events = p.pull_events()
        chain = [before_status.value] + [e.payload["after"] for e in events if e.name == "ProposalStatusChanged"]
        for a, b in itertools.pairwise(chain):
            assert ProposalStatus(b) in PROPOSAL_TRANSITIONS[ProposalStatus(a)], (a, b)
        assert p.status.value == chain[-1]
        for item in p.items:
            old = before_items[item.id]
            assert item.status == old or item.status in ITEM_TRANSITIONS[old], (old, item.status)
        for item in p.items:  # only approved/edited items ever reach the CRM
            if item.status in (ItemStatus.COMMITTED, ItemStatus.CONFLICTED, ItemStatus.FAILED):
                assert item.decision is not None and item.decision.action in ("approve", "edit")
        if p.status == ProposalStatus.COMMITTED:
            assert all(i.status in (ItemStatus.COMMITTED, ItemStatus.DECLINED, ItemStatus.EXPIRED) for i in p.items)
        if p.status in (ProposalStatus.EXPIRED, ProposalStatus.CLOSED):
            assert not any(i.status == ItemStatus.COMMITTED for i in p.items)


@pytest.mark.parametrize("source, target", list(itertools.product(ProposalStatus, ProposalStatus)))
def test_proposal_transition_table_is_the_only_way(source, target):
    p = proposal(1, 0)
    p.status = source
    if target in PROPOSAL_TRANSITIONS[source]:
        p.transition(target)
        assert p.status == target
    else:
        with pytest.raises(IllegalTransition):
            p.transition(target)
        assert p.status == source


@pytest.mark.parametrize("source, target", list(itertools.product(ItemStatus, ItemStatus)))
def test_item_transition_table_is_the_only_way(source, target):
    item = proposal(1, 0).changes[0]
    item.status = source
    if target in ITEM_TRANSITIONS[source]:
        item._move(target)
        assert item.status == target
    else:
        with pytest.raises(IllegalTransition):
            item._move(target)
        assert item.status == source


def test_settle_refuses_while_an_approved_write_has_no_outcome():
    p = proposal(2, 0)
    p.send_for_approval()
    for item in p.items:
        p.decide(item.id, Decision(action="approve", by="rep-1"), now=T0)
    assert p.status == ProposalStatus.QUEUED
    p.mark_committed("chg0")
    with pytest.raises(IllegalTransition):
        p.settle_commit()
    assert p.status == ProposalStatus.QUEUED

"""Property-based checks of gates, change windows, allowlists and the audit hash chain."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, settings, strategies as st

from governance.change_window import is_open, next_opening
from governance.gates import bulk_approvable, gate_for
from governance.ledger import GENESIS, entry_hash, verify_chain
from governance.policy import DEFAULT_POLICY_PATH, ChangeWindow, field_allowed, load_policy

POLICY = load_policy(DEFAULT_POLICY_PATH)
FIELDS = ["Opportunity.NextStep", "Opportunity.CloseDate", "Opportunity.Amount", "Opportunity.StageName",
          "Contact.Role", "Task.Subject", "Task.DueDate", "Task.Priority"]
THRESHOLDS = {"Opportunity.Amount": 0.90, "Opportunity.StageName": 0.85}


@given(st.sampled_from(FIELDS), st.floats(0, 1))
def test_gate_threshold_and_bulk_rule(field, confidence):
    gate = gate_for(POLICY, field, confidence)
    assert gate.meets_threshold == (confidence >= THRESHOLDS.get(field, 0.78))
    assert gate.high_risk == (field in THRESHOLDS)
    assert gate.approver_role == ("Manager" if field in THRESHOLDS or field == "Task.Priority" else "AE")
    if bulk_approvable(gate):
        assert gate.meets_threshold and not gate.high_risk


@given(st.sampled_from(["Opportunity", "Task", "Contact"]), st.sampled_from(["Amount", "Subject", "Role", "Priority"]),
       st.lists(st.sampled_from(["Opportunity.Amount", "Task.*", "Contact.Role", "Task.Subject"]), max_size=4))
def test_allowlist_matches_brute_force(obj, name, allowlist):
    field = f"{obj}.{name}"
    expected = field in allowlist or f"{obj}.*" in allowlist
    assert field_allowed(allowlist, field) == expected


WINDOW = ChangeWindow(start_utc="07:00", end_utc="22:00", weekdays_only=True)
moments = st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=dt.timezone.utc))


@given(moments)
def test_window_matches_definition_and_next_opening_is_first(now):
    expected = now.weekday() < 5 and dt.time(7) <= now.time().replace(tzinfo=None) < dt.time(22)
    assert is_open(WINDOW, now) == expected
    opening = next_opening(WINDOW, now)
    assert is_open(WINDOW, opening) and opening >= now
    probe = now
    while probe < opening:
        assert not is_open(WINDOW, probe)
        probe += dt.timedelta(minutes=30)


@settings(max_examples=50)
@given(st.lists(st.dictionaries(st.sampled_from(["a", "b", "c"]), st.integers()), min_size=1, max_size=8), st.data())
def test_any_tamper_is_found_at_its_entry(events, data):
    rows, prev = [], GENESIS
    for seq, event in enumerate(events, start=1):
        digest = entry_hash(prev, seq, "eu-west", event)
        rows.append((seq, "eu-west", event, prev, digest))
        prev = digest
    assert verify_chain(rows)[1] is None
    victim = data.draw(st.integers(0, len(rows) - 1))
    seq, part, event, prev_hash, digest = rows[victim]
    rows[victim] = (seq, part, {**event, "tampered": True}, prev_hash, digest)
    assert verify_chain(rows)[1] == seq

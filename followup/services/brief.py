"""The RevOps daily brief: acceptance, next-step coverage, time to send, exceptions, alerts.

Metric definitions (over proposals created in the window, all regions):
- field_update_acceptance_rate: field changes approved or edited ÷ field changes decided
  (approved + edited + declined + expired). Tasks are reported separately.
- next_step_coverage: proposals whose opportunity leaves the call with a next step — an
  approved NextStep change, an approved task, or a NextStep already in CRM that the call kept —
  ÷ proposals.
- time_to_send_recap_ms: median of (recap marked sent − proposal drafted).
An alert fires when a metric falls under ``telemetry.alerting.thresholds`` (ratios) or, for
time_to_send_recap_ms, goes over its target.
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

from pydantic import BaseModel, Field

from followup.domain.proposal import FieldChange, ItemStatus, Proposal
from followup.ports import ExceptionItem
from governance.policy import TrustLayer

ACCEPTED = {ItemStatus.APPROVED, ItemStatus.EDITED, ItemStatus.COMMITTED, ItemStatus.CONFLICTED, ItemStatus.FAILED}
DECIDED = ACCEPTED | {ItemStatus.DECLINED, ItemStatus.EXPIRED}


class MetricValue(BaseModel):
    name: str
    value: float | None
    target: float | None
    threshold: float | None = None
    alert: bool = False


class Brief(BaseModel):
    window_start: dt.datetime
    window_end: dt.datetime
    proposals: int
    by_region: dict[str, int]
    metrics: list[MetricValue]
    decline_reasons: dict[str, int] = Field(default_factory=dict)
    acceptance_by_field: dict[str, float] = Field(default_factory=dict)
    exceptions_open: int = 0
    exceptions_by_kind: dict[str, int] = Field(default_factory=dict)
    exceptions_overdue: int = 0
    alerts: list[str] = Field(default_factory=list)
    channel: str = ""

    def metric(self, name: str) -> MetricValue:
        return next(m for m in self.metrics if m.name == name)


def _accepted(item) -> bool:
    return item.status in ACCEPTED and item.decision is not None and item.decision.action in ("approve", "edit")


def _has_next_step(p: Proposal) -> bool:
    for item in p.items:
        if _accepted(item) and (not isinstance(item, FieldChange) or item.field == "NextStep"):
            return True
    return False


def build_brief(proposals: list[Proposal], exceptions: list[ExceptionItem], policy: TrustLayer,
                window_start: dt.datetime, window_end: dt.datetime, crm_next_steps: dict[str, bool] | None = None) -> Brief:
    crm_next_steps = crm_next_steps or {}
    chosen = [p for p in proposals if window_start <= p.created_at < window_end]
    changes = [c for p in chosen for c in p.changes if c.status in DECIDED]
    accepted = [c for c in changes if _accepted(c)]
    acceptance = len(accepted) / len(changes) if changes else None
    per_field: dict[str, list[bool]] = {}
    for c in changes:
        per_field.setdefault(c.qualified_field, []).append(_accepted(c))
    coverage = (sum(1 for p in chosen if _has_next_step(p) or crm_next_steps.get(p.opportunity_id)) / len(chosen)) if chosen else None
    send_times = [(p.recap_sent_at - p.created_at).total_seconds() * 1000 for p in chosen if p.recap_sent_at]
    time_to_send = statistics.median(send_times) if send_times else None
    reasons = Counter(i.decision.reason_code.value for p in chosen for i in p.items
                      if i.decision and i.decision.reason_code)

    thresholds = policy.telemetry.alerting.thresholds
    metrics, alerts = [], []
    for name, value in (("field_update_acceptance_rate", acceptance), ("next_step_coverage", coverage),
                        ("time_to_send_recap_ms", time_to_send)):
        target, threshold = policy.telemetry.target(name), thresholds.get(name)
        alert = False
        if value is not None:
            if name == "time_to_send_recap_ms":
                alert = target is not None and value > target
                limit = target
            else:
                alert = threshold is not None and value < threshold
                limit = threshold
            if alert:
                alerts.append(f"{name} is {value:.3g}, past the alert limit {limit:g}")
        metrics.append(MetricValue(name=name, value=value, target=target, threshold=threshold, alert=alert))
    open_exc = [e for e in exceptions if not e.resolved]
    overdue = sum(1 for e in open_exc if e.due_by < window_end)
    if overdue:
        alerts.append(f"{overdue} exception(s) past the {policy.exceptions.sla_minutes}-minute SLA in {policy.exceptions.queue}")
    return Brief(
        window_start=window_start, window_end=window_end, proposals=len(chosen),
        by_region=dict(Counter(p.region for p in chosen)), metrics=metrics, decline_reasons=dict(reasons),
        acceptance_by_field={f: sum(v) / len(v) for f, v in sorted(per_field.items())},
        exceptions_open=len(open_exc), exceptions_by_kind=dict(Counter(e.kind for e in open_exc)),
        exceptions_overdue=overdue, alerts=alerts, channel=policy.telemetry.alerting.channel)


def render_text(brief: Brief) -> str:
    def fmt(m: MetricValue) -> str:
        if m.value is None:
            return f"{m.name}: no data"
        shown = f"{m.value / 1000:.1f} s" if m.name.endswith("_ms") else f"{m.value:.0%}"
        target = f"{m.target / 1000:.0f} s" if m.name.endswith("_ms") and m.target else (f"{m.target:.0%}" if m.target is not None else "-")
        return f"{m.name}: {shown} (target {target}){'  ALERT' if m.alert else ''}"

    lines = [f"RevOps brief {brief.window_start:%Y-%m-%d %H:%M} → {brief.window_end:%Y-%m-%d %H:%M} UTC ({brief.channel})",
             f"calls processed: {brief.proposals} " + ", ".join(f"{k}={v}" for k, v in sorted(brief.by_region.items())),
             *("  " + fmt(m) for m in brief.metrics),
             f"  declines by reason: {brief.decline_reasons or 'none'}",
             f"  exceptions open: {brief.exceptions_open} {brief.exceptions_by_kind or ''}"]
    lines += [f"  ALERT: {a}" for a in brief.alerts]
    return "\n".join(lines)

"""The RevOps daily brief card: metrics against targets, alerts, decline reasons, exceptions."""
from __future__ import annotations

from bot.cards.common import clip, envelope, text
from followup.services.brief import Brief, MetricValue

METRIC_TITLES = {"field_update_acceptance_rate": "Field update acceptance", "next_step_coverage": "Next-step coverage",
                 "time_to_send_recap_ms": "Median time to send recap"}


def _metric(m: MetricValue) -> str:
    if m.value is None:
        return "no data"
    if m.name.endswith("_ms"):
        shown, target = f"{m.value / 1000:.0f} s", (f"{m.target / 1000:.0f} s" if m.target else "-")
    else:
        shown, target = f"{m.value:.0%}", (f"{m.target:.0%}" if m.target is not None else "-")
    return f"{shown} (target {target})" + ("  ⚠ ALERT" if m.alert else "")


def brief_card(brief: Brief) -> dict:
    regions = ", ".join(f"{k}: {v}" for k, v in sorted(brief.by_region.items())) or "none"
    body = [
        text("RevOps daily brief", size="Medium", weight="Bolder", style="heading"),
        text(f"{brief.window_start:%Y-%m-%d %H:%M} → {brief.window_end:%Y-%m-%d %H:%M} UTC · {clip(brief.channel, 80)}",
             isSubtle=True, size="Small"),
        {"type": "FactSet", "facts": [
            {"title": "Calls processed", "value": f"{brief.proposals} ({regions})"},
            *({"title": METRIC_TITLES.get(m.name, m.name), "value": _metric(m)} for m in brief.metrics),
            {"title": "Open exceptions", "value": f"{brief.exceptions_open} ({brief.exceptions_overdue} past SLA)"},
        ]},
    ]
    if brief.alerts:
        body.append({"type": "Container", "style": "attention", "items": [
            text("Alerts", weight="Bolder", color="Attention"),
            *(text(f"• {clip(a, 300)}", color="Attention") for a in brief.alerts)]})
    else:
        body.append(text("No alerts.", color="Good"))
    if brief.decline_reasons:
        body.append({"type": "Chart.Donut", "title": "Decline reasons",
                     "data": [{"legend": k, "value": v} for k, v in sorted(brief.decline_reasons.items())],
                     "fallback": text("Decline reasons: " + ", ".join(f"{k} {v}" for k, v in sorted(brief.decline_reasons.items())))})
    if brief.acceptance_by_field:
        body.append({"type": "Chart.VerticalBar", "title": "Acceptance by field (%)",
                     "data": [{"x": k, "y": round(v * 100)} for k, v in brief.acceptance_by_field.items()],
                     "fallback": text("Acceptance by field: " + ", ".join(f"{k} {v:.0%}" for k, v in brief.acceptance_by_field.items()))})
    if brief.exceptions_by_kind:
        body.append(text("Exceptions by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(brief.exceptions_by_kind.items())),
                         size="Small"))
    return envelope(body)

"""One card row per proposed item: what changes, how sure we are, who approves, the evidence, and
(when the viewer may decide it) approve / edit / decline controls."""
from __future__ import annotations

from typing import Callable

from bot.cards.common import (FIELD_APPROVE, FIELD_DECLINE, FIELD_EDIT, MAX_QUOTE, action_data, clip, envelope, execute,
                              field_label, show_value, text)
from followup.domain.proposal import FieldChange, ItemStatus, ProposedItem, ReasonCode

REASON_LABELS = {
    ReasonCode.WRONG_VALUE: "Wrong value", ReasonCode.NOT_DISCUSSED: "Not discussed on the call",
    ReasonCode.PREMATURE: "Too early to update", ReasonCode.DUPLICATE: "Duplicate", ReasonCode.OTHER: "Other (explain)",
}
STATUS_LABELS = {
    ItemStatus.PENDING: "Pending", ItemStatus.APPROVED: "Approved", ItemStatus.EDITED: "Approved with edit",
    ItemStatus.DECLINED: "Declined", ItemStatus.EXPIRED: "Expired (not written)", ItemStatus.COMMITTED: "Written to CRM",
    ItemStatus.CONFLICTED: "Conflict: CRM changed", ItemStatus.FAILED: "Write failed",
}
STATUS_COLORS = {ItemStatus.DECLINED: "Attention", ItemStatus.CONFLICTED: "Attention", ItemStatus.FAILED: "Attention",
                 ItemStatus.COMMITTED: "Good", ItemStatus.APPROVED: "Good", ItemStatus.EDITED: "Good",
                 ItemStatus.EXPIRED: "Warning"}


def input_id(kind: str, item_id: str) -> str:
    return f"{kind}_{item_id}"


def headline(item: ProposedItem) -> str:
    if isinstance(item, FieldChange):
        return f"**{field_label(item.qualified_field)}**: {show_value(item.before)} → {show_value(item.after)}"
    due = item.due_date.isoformat() if item.due_date else "no due date"
    tentative = " (tentative)" if item.tentative else ""
    return f"**Task**: {clip(item.subject, 200)} · owner {clip(item.owner_name, 80)} · due {due}{tentative}"


def gate_line(item: ProposedItem) -> tuple[str, str]:
    gate = item.gate
    confidence = f"{item.confidence:.0%} · {item.certainty}"
    if gate.meets_threshold:
        return f"{confidence} · approves: {gate.approver_role}", "Default"
    return f"{confidence} · approves: {gate.approver_role} · LOW confidence (min {gate.confidence_min:.0%})", "Warning"


def evidence_line(item: ProposedItem) -> dict | None:
    if not item.evidence:
        return None
    first = item.evidence[0]
    who = f" — {clip(first.speaker, 60)}" if first.speaker else ""
    origin = " (CRM)" if first.source == "crm" else ""
    return text(f"“{clip(first.quote, MAX_QUOTE)}”{who}{origin}", isSubtle=True, size="Small")


def edit_input(item: ProposedItem, picklist: Callable[[str], list[str] | None]) -> dict:
    ident = input_id("edit", item.id)
    label = "New value"
    if not isinstance(item, FieldChange):
        return {"type": "Input.Text", "id": ident, "label": "Task subject", "value": clip(item.subject, 255), "maxLength": 255}
    field = item.qualified_field
    current = item.after
    choices = picklist(field)
    if choices:
        block = {"type": "Input.ChoiceSet", "id": ident, "label": label, "style": "compact",
                 "choices": [{"title": clip(c, 120), "value": str(c)} for c in choices]}
        if str(current) in choices:
            block["value"] = str(current)
        return block
    if item.field.endswith("Date"):
        block = {"type": "Input.Date", "id": ident, "label": label}
        if current:
            block["value"] = str(current)[:10]
        return block
    if item.field.endswith("Amount"):
        block = {"type": "Input.Number", "id": ident, "label": label, "min": 0}
        if isinstance(current, (int, float)):
            block["value"] = current
        return block
    return {"type": "Input.Text", "id": ident, "label": label, "value": clip(current, 255), "maxLength": 255}


def decline_inputs(item: ProposedItem) -> list[dict]:
    return [
        {"type": "Input.ChoiceSet", "id": input_id("reason", item.id), "label": "Reason", "style": "compact",
         "value": ReasonCode.WRONG_VALUE.value,
         "choices": [{"title": REASON_LABELS[c], "value": c.value} for c in ReasonCode]},
        {"type": "Input.Text", "id": input_id("reasontext", item.id), "label": "Details (optional)", "maxLength": 500},
    ]


def controls(proposal, item: ProposedItem, picklist) -> dict:
    data = action_data(proposal, item.id)
    edit_card = envelope([edit_input(item, picklist)], [execute("Save edit and approve", FIELD_EDIT, data, "positive")])
    decline_card = envelope(decline_inputs(item), [execute("Decline", FIELD_DECLINE, data, "destructive")])
    for sub in (edit_card, decline_card):
        sub.pop("msteams", None)
        sub.pop("$schema", None)
    return {"type": "ActionSet", "actions": [
        execute("Approve", FIELD_APPROVE, data, "positive", inputs="none"),
        {"type": "Action.ShowCard", "title": "Edit", "card": edit_card},
        {"type": "Action.ShowCard", "title": "Decline", "card": decline_card},
    ]}


def item_row(proposal, item: ProposedItem, may_decide: bool, picklist) -> dict:
    detail, color = gate_line(item)
    items = [text(headline(item)), text(detail, size="Small", color=color)]
    quote = evidence_line(item)
    if quote:
        items.append(quote)
    if item.status == ItemStatus.PENDING:
        if may_decide:
            items.append(controls(proposal, item, picklist))
        else:
            items.append(text(f"Waiting for {item.gate.approver_role} approval", size="Small", isSubtle=True))
    else:
        items.append(status_line(item))
    return {"type": "Container", "separator": True, "spacing": "Medium", "items": items}


def status_line(item: ProposedItem) -> dict:
    label = STATUS_LABELS[item.status]
    decision = item.decision
    if decision is not None and decision.action == "edit":
        label += f": {show_value(decision.value)}"
    if decision is not None and decision.reason_code is not None:
        label += f" ({REASON_LABELS[decision.reason_code]}"
        label += f": {clip(decision.reason_text, 200)})" if decision.reason_text else ")"
    if item.commit_note and item.status in (ItemStatus.CONFLICTED, ItemStatus.FAILED, ItemStatus.COMMITTED):
        label += f" — {clip(item.commit_note, 300)}"
    return text(label, size="Small", weight="Bolder", color=STATUS_COLORS.get(item.status, "Default"))

"""Building blocks shared by every card: text clipping, actions, the card envelope, deep links."""
from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
MAX_QUOTE = 200
MAX_URL = 2000  # Outlook on the web and Teams both accept deep links of this length

APPROVE_ALL = "proposal.approve_all"
FIELD_APPROVE = "field.approve"
FIELD_EDIT = "field.edit"
FIELD_DECLINE = "field.decline"
REFRESH = "proposal.refresh"
RECAP_SENT = "recap.sent"
VERBS = (APPROVE_ALL, FIELD_APPROVE, FIELD_EDIT, FIELD_DECLINE, REFRESH, RECAP_SENT)

FIELD_LABELS = {
    "Opportunity.CloseDate": "Close date", "Opportunity.Amount": "Amount", "Opportunity.StageName": "Stage",
    "Opportunity.NextStep": "Next step", "Contact.Role": "Contact role", "Task.Subject": "Task",
}


def clip(text: Any, limit: int) -> str:
    """``text`` as one string of at most ``limit`` characters (an ellipsis marks a cut)."""
    value = "" if text is None else str(text)
    return value if len(value) <= limit else value[: max(0, limit - 1)].rstrip() + "…"


def show_value(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict) and "subject" in value:
        return str(value["subject"])
    return clip(value, 300)


def field_label(qualified: str) -> str:
    return FIELD_LABELS.get(qualified, qualified.split(".", 1)[-1])


def text(value: str, **options: Any) -> dict:
    block = {"type": "TextBlock", "text": value, "wrap": True}
    block.update(options)
    return block


def action_data(proposal, item_id: str | None = None) -> dict:
    return {"proposal_id": proposal.id, "item_id": item_id, "version": proposal.version}


def execute(title: str, verb: str, data: dict, style: str | None = None, inputs: str | None = None) -> dict:
    action = {"type": "Action.Execute", "title": title, "verb": verb, "data": dict(data)}
    if style:
        action["style"] = style
    if inputs:
        action["associatedInputs"] = inputs
    return action


def envelope(body: list[dict], actions: list[dict] | None = None, refresh: dict | None = None) -> dict:
    card: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body}
    if actions:
        card["actions"] = actions
    if refresh:
        card["refresh"] = refresh
    card["msteams"] = {"width": "Full"}
    return card


def refresh_for(proposal, user_ids: list[str]) -> dict | None:
    """Teams refreshes the card for these users when they open it (at most 60 ids)."""
    ids = [u for u in user_ids if u][:60]
    if not ids:
        return None
    return {"action": {"type": "Action.Execute", "verb": REFRESH, "data": action_data(proposal)}, "userIds": ids}


def header(proposal, title: str) -> list[dict]:
    return [
        text(title, size="Medium", weight="Bolder", style="heading"),
        {"type": "FactSet", "facts": [
            {"title": "Account", "value": clip(proposal.account_name, 120)},
            {"title": "Opportunity", "value": clip(proposal.opportunity_name, 120)},
            {"title": "Call", "value": f"{proposal.call_date.isoformat()} · {clip(proposal.rep_name, 80)}"},
        ]},
    ]


def outlook_compose_url(to: list[str], subject: str, body: str, limit: int = MAX_URL) -> str:
    """Outlook on the web compose deep link; the body is shortened until the URL fits ``limit``."""
    base = "https://outlook.office.com/mail/deeplink/compose"

    def build(text_body: str) -> str:
        params = [("to", ",".join(to)), ("subject", clip(subject, 250)), ("body", text_body)]
        return base + "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in params if v)

    url = build(body)
    if len(url) <= limit:
        return url
    low, high = 0, len(body)
    while low < high:  # longest body prefix whose encoded URL fits
        mid = (low + high + 1) // 2
        if len(build(clip(body, mid))) <= limit:
            low = mid
        else:
            high = mid - 1
    return build(clip(body, low))


def message_card(title: str, detail: str = "", tone: str = "default") -> dict:
    """A short notice (refusals, errors, confirmations)."""
    color = {"error": "Attention", "warning": "Warning", "good": "Good"}.get(tone, "Default")
    body = [text(clip(title, 300), weight="Bolder", color=color)]
    if detail:
        body.append(text(clip(detail, 2000), isSubtle=True))
    return envelope(body)


def notice_block(notice: str | None, tone: str = "warning") -> list[dict]:
    if not notice:
        return []
    color = {"error": "Attention", "warning": "Warning", "good": "Good"}.get(tone, "Default")
    return [{"type": "Container", "style": "emphasis", "items": [text(clip(notice, 600), color=color, weight="Bolder")]}]

"""Action.Execute verbs → handlers. One plain function per verb, looked up in ``HANDLERS``.

The card's data (``proposal_id``, ``item_id``, ``version``) is only a pointer: the stored proposal
is loaded, the version compared, and the decision service re-checks the viewer's role, the item,
and the proposal state. Handlers record decisions only; CRM writes run later from the outbox.
Every outcome, refusals included, is answered with a card (never an exception).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

from bot.cards import card_for, message_card
from bot.cards.common import APPROVE_ALL, FIELD_APPROVE, FIELD_DECLINE, FIELD_EDIT, RECAP_SENT, REFRESH, field_label
from bot.cards.items import input_id
from followup.domain.proposal import Proposal
from followup.errors import (CardPayloadError, DecisionClosed, FollowupError, GovernanceError, InputError,
                             ProposalNotFound, StaleWrite, UnknownItem)
from followup.services.decisions import Actor

log = logging.getLogger("followup.bot.routes")
CARD_TYPE = "application/vnd.microsoft.card.adaptive"


@dataclass
class Outcome:
    proposal: Proposal
    notice: str | None = None
    tone: str = "good"


class Tampered(CardPayloadError):
    """The card's data does not match the stored proposal (stale or edited card)."""


def card_response(card: dict, status: int = 200) -> dict:
    return {"statusCode": status, "type": CARD_TYPE, "value": card}


def _str(data: dict, key: str, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > 200:
        raise CardPayloadError(f"the card's {key!r} is missing or invalid")
    return value


def _load(app, data: dict, check_version: bool = True) -> Proposal:
    proposal = app.get(_str(data, "proposal_id"))
    if check_version:
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version != proposal.version:
            raise Tampered(f"this card is out of date (card version {version!r}, current {proposal.version}); "
                           "nothing was changed — here is the current card")
    return proposal


def _label(proposal: Proposal, item_id: str) -> str:
    try:
        return field_label(proposal.item(item_id).qualified_field)
    except UnknownItem:
        return item_id


def approve(app, data: dict, actor: Actor) -> Outcome:
    proposal = _load(app, data)
    item_id = _str(data, "item_id")
    updated = app.decide(proposal.id, item_id, "approve", actor)
    return Outcome(updated, f"Approved {_label(updated, item_id)}.")


def edit(app, data: dict, actor: Actor) -> Outcome:
    proposal = _load(app, data)
    item_id = _str(data, "item_id")
    value = data.get(input_id("edit", item_id), data.get("value"))
    updated = app.decide(proposal.id, item_id, "edit", actor, value=value)
    return Outcome(updated, f"Approved {_label(updated, item_id)} with your edit.")


def decline(app, data: dict, actor: Actor) -> Outcome:
    proposal = _load(app, data)
    item_id = _str(data, "item_id")
    code = data.get(input_id("reason", item_id), data.get("reason_code"))
    reason_text = data.get(input_id("reasontext", item_id), data.get("reason_text"))
    updated = app.decide(proposal.id, item_id, "decline", actor, reason_code=code if isinstance(code, str) else None,
                         reason_text=str(reason_text)[:500] if reason_text else None)
    return Outcome(updated, f"Declined {_label(updated, item_id)}.")


def approve_all(app, data: dict, actor: Actor) -> Outcome:
    proposal = _load(app, data)
    updated, count = app.approve_all(proposal.id, actor)
    return Outcome(updated, f"Approved {count} high-confidence item(s)." if count else "No item qualified for bulk approval.",
                   "good" if count else "warning")


def refresh(app, data: dict, actor: Actor) -> Outcome:
    return Outcome(_load(app, data, check_version=False), None)


def recap_sent(app, data: dict, actor: Actor) -> Outcome:
    proposal = _load(app, data, check_version=False)
    updated = app.recap_sent(proposal.id, actor)
    return Outcome(updated, "Recap marked as sent.")


HANDLERS: dict[str, Callable[[Any, dict, Actor], Outcome]] = {
    FIELD_APPROVE: approve, FIELD_EDIT: edit, FIELD_DECLINE: decline,
    APPROVE_ALL: approve_all, REFRESH: refresh, RECAP_SENT: recap_sent,
}


def _current_card(app, data: dict, actor: Actor, notice: str, tone: str) -> dict:
    try:
        proposal = app.get(_str(data, "proposal_id"))
    except (ProposalNotFound, CardPayloadError):
        return message_card("This card no longer matches a follow-up", notice, "error")
    return card_for(proposal, actor, app.policy, app.crm.picklist, notice, tone)


def handle_action(app, verb: str, data: Any, actor: Actor) -> dict:
    """Run ``verb`` for ``actor`` and answer the Universal Actions invoke with the card to show."""
    handler = HANDLERS.get(verb)
    if handler is None:
        return card_response(message_card("Unknown action", f"This bot does not handle {str(verb)[:80]!r}.", "error"))
    if not isinstance(data, dict):
        return card_response(message_card("This card is not valid", "The action carried no data.", "error"))
    try:
        outcome = handler(app, data, actor)
    except ProposalNotFound:
        return card_response(message_card("This follow-up no longer exists", "Nothing was changed.", "error"))
    except (Tampered, DecisionClosed, StaleWrite) as exc:
        log.info("refused %s by %s: %s", verb, actor.user_id, exc)
        reason = "Someone decided at the same moment; nothing was changed twice." if isinstance(exc, StaleWrite) else str(exc)
        return card_response(_current_card(app, data, actor, reason, "warning"))
    except GovernanceError as exc:
        log.info("not authorized %s by %s: %s", verb, actor.user_id, exc)
        return card_response(_current_card(app, data, actor, f"Not allowed: {exc}. Nothing was changed.", "error"))
    except InputError as exc:
        return card_response(_current_card(app, data, actor, f"Not saved: {exc}", "error"))
    except FollowupError as exc:
        log.warning("action %s failed: %s", verb, exc)
        return card_response(_current_card(app, data, actor, f"Could not complete the action: {exc}", "error"))
    except Exception:  # a card tap must never crash the bot
        log.exception("action %s crashed", verb)
        return card_response(message_card("Something went wrong", "Nothing was changed. Please try again.", "error"))
    return card_response(card_for(outcome.proposal, actor, app.policy, app.crm.picklist, outcome.notice, outcome.tone))

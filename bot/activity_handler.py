"""The Teams bot: chat commands, conversation references, and Action.Execute invokes.

Blocking work (store reads/writes, drafting) runs in a worker thread so the event loop keeps
serving other turns. Invokes are answered with an ``InvokeResponse`` whose body is a plain dict;
the HTTP bridge serialises it.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

from botbuilder.core import ActivityHandler, CardFactory, InvokeResponse, MessageFactory, TurnContext
from botbuilder.schema import Activity, ChannelAccount

from bot.cards import card_for, help_card, message_card
from bot.chat_ingest import parse_recap_command, snapshot_from_attachment, snapshot_from_crm
from bot.proactive import delivered_in_turn
from bot.routes import handle_action
from followup.errors import FollowupError, InputError
from followup.services.decisions import Actor

log = logging.getLogger("followup.bot")
MAX_PENDING_CARDS = 5


def user_key(account: ChannelAccount | None) -> str:
    """The Entra object id when Teams sends it (it does for every signed-in user), else the channel id."""
    if account is None:
        return ""
    return getattr(account, "aad_object_id", None) or account.id or ""


def card_activity(card: dict) -> Activity:
    return MessageFactory.attachment(CardFactory.adaptive_card(card))


class FollowupBot(ActivityHandler):
    def __init__(self, app, proactive=None):
        self.app = app
        self.proactive = proactive

    def actor(self, turn_context: TurnContext) -> Actor:
        who = turn_context.activity.from_property
        return self.app.actor_for(user_key(who), getattr(who, "name", "") or "")

    # ------------------------------------------------------- conversation refs
    async def _remember(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        reference = TurnContext.get_conversation_reference(activity)
        key = user_key(activity.from_property)
        if key:
            await asyncio.to_thread(self.app.home_store.save_conversation, key, reference.serialize())
        channel = getattr(activity.conversation, "id", None)
        if getattr(activity.conversation, "conversation_type", None) == "channel" and channel:
            await asyncio.to_thread(self.app.home_store.save_conversation, f"channel:{channel}", reference.serialize())

    async def on_conversation_update_activity(self, turn_context: TurnContext):
        await self._remember(turn_context)
        return await super().on_conversation_update_activity(turn_context)

    async def on_installation_update(self, turn_context: TurnContext):
        await self._remember(turn_context)

    async def on_members_added_activity(self, members_added, turn_context: TurnContext):
        bot_id = turn_context.activity.recipient.id if turn_context.activity.recipient else None
        if any(m.id != bot_id for m in members_added):
            await turn_context.send_activity(card_activity(help_card()))

    # ---------------------------------------------------------------- messages
    async def on_message_activity(self, turn_context: TurnContext):
        await self._remember(turn_context)
        activity = turn_context.activity
        text = TurnContext.remove_recipient_mention(activity) if activity.entities else (activity.text or "")
        text = (text or "").strip()
        command = text.split(None, 1)[0].lower() if text else ""
        if command == "pending":
            return await self._pending(turn_context)
        if command == "recap":
            return await self._recap(turn_context, text)
        return await turn_context.send_activity(card_activity(help_card()))

    async def _pending(self, turn_context: TurnContext):
        actor = self.actor(turn_context)
        proposals = await asyncio.to_thread(self.app.pending_for, actor.user_id)
        if not proposals:
            return await turn_context.send_activity(card_activity(message_card("No follow-ups are waiting for you.", tone="good")))
        for proposal in proposals[:MAX_PENDING_CARDS]:
            await turn_context.send_activity(card_activity(card_for(proposal, actor, self.app.policy, self.app.crm.picklist)))
        if len(proposals) > MAX_PENDING_CARDS:
            await turn_context.send_activity(MessageFactory.text(f"…and {len(proposals) - MAX_PENDING_CARDS} more."))

    async def _recap(self, turn_context: TurnContext, text: str):
        activity = turn_context.activity
        actor = self.actor(turn_context)
        try:
            request = parse_recap_command(text)
            snapshot = snapshot_from_attachment(activity.attachments)
            if snapshot is None:
                rep = {"name": activity.from_property.name or "Rep", "user_id": actor.user_id}
                today = self.app.clock().date()
                snapshot = await asyncio.to_thread(snapshot_from_crm, self.app.crm, request.opportunity, rep, today)
            elif snapshot.call.rep.user_id != actor.user_id:
                snapshot.call.rep.user_id = actor.user_id  # the person pasting the notes reviews the proposal
            token = delivered_in_turn.set(frozenset({actor.user_id}))
            try:
                proposal = await asyncio.to_thread(self.app.ingest, request.notes, snapshot, "chat")
            finally:
                delivered_in_turn.reset(token)
        except InputError as exc:
            return await turn_context.send_activity(card_activity(message_card("Could not draft the recap", str(exc), "error")))
        except FollowupError as exc:
            log.warning("recap from chat failed: %s", exc)
            return await turn_context.send_activity(card_activity(message_card("Could not draft the recap", str(exc), "error")))
        await turn_context.send_activity(card_activity(card_for(proposal, actor, self.app.policy, self.app.crm.picklist)))

    # ----------------------------------------------------------------- invokes
    async def on_invoke_activity(self, turn_context: TurnContext):
        if turn_context.activity.name != "adaptiveCard/action":
            return await super().on_invoke_activity(turn_context)
        value: Any = turn_context.activity.value or {}
        action = value.get("action") if isinstance(value, dict) else None
        if not isinstance(action, dict) or action.get("type") != "Action.Execute":
            return InvokeResponse(status=400, body={"statusCode": 400, "type": "application/vnd.microsoft.error",
                                                    "value": {"code": "BadRequest", "message": "expected an Action.Execute"}})
        actor = self.actor(turn_context)
        body = await asyncio.to_thread(handle_action, self.app, action.get("verb"), action.get("data"), actor)
        return InvokeResponse(status=200, body=body)

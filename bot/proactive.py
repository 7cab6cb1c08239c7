"""Proactive sends: the approval card to the rep's stored conversation, the brief to RevOps.

Teams allows about 7 messages per second per conversation: a token bucket per conversation keeps
under it, and a 429 is retried with exponential backoff and jitter (honouring ``Retry-After``).
A 403 means the rep uninstalled the app or blocked the bot: the proposal goes to the exceptions
queue as ``delivery_failed`` so RevOps can follow up, and nothing is retried.
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
import random
import threading
import time
from typing import Any, Awaitable, Callable

from bot.cards import card_for, message_card
from bot.cards.common import show_value
from followup.errors import DeliveryError
from followup.services.commit import raise_exception

log = logging.getLogger("followup.bot.proactive")
RATE_PER_SECOND = 7.0
MAX_RETRIES = 5
# Users who already got the card in the current turn (chat `recap`): no second, proactive copy.
delivered_in_turn: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("delivered_in_turn", default=frozenset())


class TokenBucket:
    """``rate`` tokens per second, bursts up to ``rate``; ``take`` waits for a token."""

    def __init__(self, rate: float = RATE_PER_SECOND, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        self.rate, self.capacity = rate, rate
        self.tokens, self.clock, self.sleep = rate, clock, sleep
        self.updated = clock()

    async def take(self) -> float:
        waited = 0.0
        while True:
            now = self.clock()
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            if self.tokens >= 1:
                self.tokens -= 1
                return waited
            delay = (1 - self.tokens) / self.rate
            waited += delay
            await self.sleep(delay)


def status_of(exc: BaseException) -> int | None:
    """HTTP status of a Bot Connector error (msrest ``ErrorResponseException``/``HttpOperationError``)."""
    if isinstance(exc, DeliveryError):
        return exc.status
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None) or getattr(response, "status", None)


def retry_after(exc: BaseException) -> float | None:
    headers = getattr(getattr(exc, "response", None), "headers", None) or {}
    try:
        return float(headers.get("Retry-After")) if headers.get("Retry-After") else None
    except (TypeError, ValueError):
        return None


class ProactiveSender:
    """Sends cards to stored conversation references through ``adapter.continue_conversation``."""

    def __init__(self, app, adapter, bot_app_id: str | None, *, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 clock: Callable[[], float] = time.monotonic, base_delay: float = 1.0):
        self.app, self.adapter, self.bot_app_id = app, adapter, bot_app_id or ""
        self.sleep, self.clock, self.base_delay = sleep, clock, base_delay
        self._buckets: dict[str, TokenBucket] = {}
        self._queue: list[str] = []
        self._notices: list[tuple[str, dict]] = []
        self._lock = threading.Lock()

    # ------------------------------------------------------------- queueing
    def on_proposal_ready(self, proposal) -> None:
        """``App.proposal_ready`` callback (may run in a worker thread): queue; ``flush`` sends."""
        if proposal.rep_user_id and proposal.rep_user_id in delivered_in_turn.get():
            return
        with self._lock:
            self._queue.append(proposal.id)

    def on_finance_notice(self, proposal, item) -> None:
        """``App.finance_notifier``: a high-risk amount was approved; tell the finance channel."""
        channel = self.app.settings.finance_channel
        summary = (f"{item.gate.field} on {proposal.opportunity_name} ({proposal.account_name}): "
                   f"{show_value(getattr(item, 'before', None))} → {show_value(item.final_value)}, "
                   f"approved by {item.decision.by if item.decision else 'unknown'}")
        if not channel:
            log.info("finance notice (no finance channel configured): %s", summary)
            return
        with self._lock:
            self._notices.append((f"channel:{channel}", message_card("Finance notice: approved amount change", summary)))

    async def flush(self) -> list[str]:
        with self._lock:
            queued, self._queue = self._queue, []
            notices, self._notices = self._notices, []
        for key, card in notices:
            try:
                if not await self.send_to(key, card):
                    log.warning("finance channel %s has no stored conversation; notice not sent", key)
            except DeliveryError as exc:
                log.warning("finance notice to %s failed: %s", key, exc)
        sent = []
        for proposal_id in queued:
            proposal = await asyncio.to_thread(self.app.get, proposal_id)
            if await self.send_proposal(proposal):
                sent.append(proposal_id)
        return sent

    # --------------------------------------------------------------- sending
    async def send_proposal(self, proposal) -> bool:
        reference = await asyncio.to_thread(self.app.home_store.conversation, proposal.rep_user_id or "")
        if reference is None:
            await self._delivery_failed(proposal, f"no Teams conversation with rep {proposal.rep_name} "
                                                  f"({proposal.rep_user_id}); the app is not installed for them")
            return False
        viewer = self.app.actor_for(proposal.rep_user_id or "")
        card = card_for(proposal, viewer, self.app.policy, self.app.crm.picklist)
        try:
            await self.send_card(reference, card)
        except DeliveryError as exc:
            await self._delivery_failed(proposal, f"Teams answered {exc.status}: {exc}")
            return False
        await self.send_manager_cards(proposal)
        return True

    async def send_manager_cards(self, proposal) -> int:
        """High-risk pending items: the manager card to every mapped approver who has the app."""
        roles = {item.gate.approver_role for item in proposal.pending if item.gate.high_risk}
        sent = 0
        for user_id, role in self.app.settings.role_map.items():
            if role not in roles or user_id == proposal.rep_user_id:
                continue
            reference = await asyncio.to_thread(self.app.home_store.conversation, user_id)
            if reference is None:
                continue
            card = card_for(proposal, self.app.actor_for(user_id), self.app.policy, self.app.crm.picklist)
            try:
                await self.send_card(reference, card)
                sent += 1
            except DeliveryError as exc:
                log.warning("manager card for %s to %s failed: %s", proposal.id, user_id, exc)
        return sent

    async def _delivery_failed(self, proposal, detail: str) -> None:
        log.warning("delivery failed for %s: %s", proposal.id, detail)
        store = self.app.store(proposal.region)
        await asyncio.to_thread(raise_exception, store, self.app.policy, proposal, "delivery_failed", detail, self.app.clock())

    async def send_card(self, reference: dict, card: dict) -> None:
        """Send one card; throttled per conversation, 429 retried, other failures raised as DeliveryError."""
        from botbuilder.core import CardFactory, MessageFactory
        from botbuilder.schema import ConversationReference

        ref = ConversationReference().deserialize(reference)
        conversation_id = ref.conversation.id if ref.conversation else ""
        bucket = self._buckets.setdefault(conversation_id, TokenBucket(RATE_PER_SECOND, self.clock, self.sleep))
        activity = MessageFactory.attachment(CardFactory.adaptive_card(card))

        async def logic(turn_context):
            await turn_context.send_activity(activity)

        for attempt in range(MAX_RETRIES + 1):
            await bucket.take()
            try:
                await self.adapter.continue_conversation(ref, logic, self.bot_app_id)
                return
            except Exception as exc:  # translated at this boundary
                status = status_of(exc)
                if status == 429 and attempt < MAX_RETRIES:
                    delay = retry_after(exc) or self.base_delay * 2 ** attempt * (0.5 + random.random())
                    log.info("429 from Teams for %s, retry in %.2fs", conversation_id, delay)
                    await self.sleep(delay)
                    continue
                raise DeliveryError(f"send to conversation {conversation_id} failed: {exc}", status=status) from exc

    async def send_to(self, key: str, card: dict) -> bool:
        """Send ``card`` to the reference stored under ``key`` (user id or ``channel:<id>``); False if unknown."""
        reference: Any = await asyncio.to_thread(self.app.home_store.conversation, key)
        if reference is None:
            return False
        await self.send_card(reference, card)
        return True

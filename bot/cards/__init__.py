"""Adaptive Cards (schema 1.5) built as dicts by pure functions.

Every action carries ``{proposal_id, item_id, version}``; the routes re-check all of it against
the stored proposal, so a tampered card can never decide more than its viewer may.
"""
from bot.cards.approval import approval_card, card_for, manager_card, viewer_may_decide
from bot.cards.brief import brief_card
from bot.cards.common import VERBS, message_card
from bot.cards.final import final_card
from bot.cards.help import help_card

__all__ = ["VERBS", "approval_card", "brief_card", "card_for", "final_card", "help_card", "manager_card",
           "message_card", "viewer_may_decide"]

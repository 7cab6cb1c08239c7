"""The help card: what the bot does and the commands it understands."""
from __future__ import annotations

from bot.cards.common import envelope, text

COMMANDS = [
    ("help", "Show this card."),
    ("pending", "List your call follow-ups that still wait for decisions."),
    ("recap <opportunity id or name>", "Then paste your call notes on the next lines: drafts a recap and CRM "
                                         "updates for that opportunity. Attach a CRM snapshot as JSON to use it instead."),
]


def help_card() -> dict:
    return envelope([
        text("Sales Follow-Up Copilot", size="Medium", weight="Bolder", style="heading"),
        text("After each sales call I draft the recap email and propose CRM updates with the evidence from the call. "
             "Nothing is written to the CRM until you (or a manager, for high-risk fields) approve it."),
        {"type": "FactSet", "facts": [{"title": name, "value": what} for name, what in COMMANDS]},
        text("On an approval card: Approve, Edit or Decline (with a reason) each change; "
             "'Approve all high-confidence' approves only items above their confidence threshold.", isSubtle=True, size="Small"),
    ])

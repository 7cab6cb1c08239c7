"""The rep's approval card, the manager's high-risk card, and the dispatcher that picks the card a
viewer should see for a proposal's current state."""
from __future__ import annotations

from typing import Callable

from bot.cards.common import (APPROVE_ALL, RECAP_SENT, action_data, clip, envelope, execute, header, notice_block,
                              outlook_compose_url, refresh_for, text)
from bot.cards.final import final_card
from bot.cards.items import item_row
from followup.domain.proposal import ItemStatus, Proposal, ProposedItem
from followup.errors import NotAuthorized
from followup.services.decisions import Actor
from governance.gates import bulk_approvable, check_can_approve
from governance.policy import TrustLayer

Picklist = Callable[[str], "list[str] | None"]
RECAP_LINES = 4


def _no_picklist(field: str) -> None:
    return None


def viewer_may_decide(policy: TrustLayer, proposal: Proposal, item: ProposedItem, viewer: Actor | None) -> bool:
    """Same rule as the decision service: the gate's role, and rep-level items only for the proposal's rep."""
    if viewer is None:
        return False
    try:
        role = check_can_approve(policy, viewer.roles, item.gate)
    except NotAuthorized:
        return False
    if role == policy.approvals.default.approver_role and proposal.rep_user_id:
        return viewer.user_id == proposal.rep_user_id
    return True


def bulk_count(policy: TrustLayer, proposal: Proposal, viewer: Actor | None) -> int:
    return sum(1 for item in proposal.pending
               if bulk_approvable(item.gate) and viewer_may_decide(policy, proposal, item, viewer))


def recap_section(proposal: Proposal, is_rep: bool) -> tuple[list[dict], list[dict]]:
    recap = proposal.recap
    if recap is None:
        return [], []
    lines = [line for line in recap.body.splitlines() if line.strip()][:RECAP_LINES]
    body = [
        text("Recap email", weight="Bolder", spacing="Medium", separator=True),
        text(f"**From:** {recap.sender}  \n**Subject:** {clip(recap.subject, 200)}" if recap.sender
             else f"**Subject:** {clip(recap.subject, 200)}"),
        text(clip("\n\n".join(lines), 600) or "(empty body)", isSubtle=True),
    ]
    failed_checks = {k: v for k, v in recap.checks.items() if v != "pass"}
    if failed_checks:
        body.append(text("Check before sending: " + "; ".join(f"{k}: {clip(v, 120)}" for k, v in failed_checks.items()),
                         color="Warning", size="Small"))
    if proposal.recap_sent_at:
        body.append(text(f"Recap marked sent {proposal.recap_sent_at:%Y-%m-%d %H:%M} UTC", color="Good", size="Small"))
    actions = [{"type": "Action.OpenUrl", "title": "Open in Outlook",
                "url": outlook_compose_url(recap.to, recap.subject, recap.body)}]
    if is_rep and not proposal.recap_sent_at:
        actions.append(execute("Mark recap sent", RECAP_SENT, action_data(proposal), inputs="none"))
    return body, actions


def _rows(policy, proposal, viewer, picklist, items) -> list[dict]:
    return [item_row(proposal, item, viewer_may_decide(policy, proposal, item, viewer), picklist) for item in items]


def approval_card(proposal: Proposal, viewer: Actor | None, policy: TrustLayer, picklist: Picklist = _no_picklist,
                  notice: str | None = None, notice_tone: str = "warning") -> dict:
    """The rep's card: recap, every change and task, per-row decisions, bulk approve when it applies."""
    is_rep = viewer is not None and (not proposal.rep_user_id or viewer.user_id == proposal.rep_user_id)
    recap_body, actions = recap_section(proposal, is_rep)
    pending = len(proposal.pending)
    body = [*notice_block(notice, notice_tone), *header(proposal, "Review the call follow-up"),
            text(f"{pending} of {len(proposal.items)} item(s) wait for a decision · expires "
                 f"{proposal.expires_at:%Y-%m-%d %H:%M} UTC (undecided items are not written)", size="Small", isSubtle=True),
            *recap_body]
    if proposal.changes:
        body.append(text("CRM changes", weight="Bolder", spacing="Medium", separator=True))
        body += _rows(policy, proposal, viewer, picklist, proposal.changes)
    if proposal.tasks:
        body.append(text("Follow-up tasks", weight="Bolder", spacing="Medium", separator=True))
        body += _rows(policy, proposal, viewer, picklist, proposal.tasks)
    n = bulk_count(policy, proposal, viewer)
    if n > 0:
        actions.insert(0, execute(f"Approve all high-confidence ({n})", APPROVE_ALL, action_data(proposal), "positive",
                                  inputs="none"))
    return envelope(body, actions, refresh_for(proposal, [proposal.rep_user_id or ""]))


def manager_card(proposal: Proposal, viewer: Actor | None, policy: TrustLayer, picklist: Picklist = _no_picklist,
                 notice: str | None = None, notice_tone: str = "warning") -> dict:
    """The manager's card: only the high-risk items, with the call context and evidence."""
    risky = [item for item in proposal.items if item.gate.high_risk]
    waiting = sum(1 for item in risky if item.status == ItemStatus.PENDING)
    body = [*notice_block(notice, notice_tone), *header(proposal, "High-risk CRM changes need your approval"),
            text(f"{waiting} high-risk item(s) pending · expires {proposal.expires_at:%Y-%m-%d %H:%M} UTC", size="Small",
                 isSubtle=True)]
    body += _rows(policy, proposal, viewer, picklist, risky) or [text("No high-risk items in this proposal.")]
    user_ids = [viewer.user_id] if viewer is not None else []
    return envelope(body, None, refresh_for(proposal, user_ids))


def card_for(proposal: Proposal, viewer: Actor | None, policy: TrustLayer, picklist: Picklist = _no_picklist,
             notice: str | None = None, notice_tone: str = "warning") -> dict:
    """The card this viewer should see now: open → rep or manager card; otherwise the final-state card."""
    if not proposal.is_open_for_decisions:
        return final_card(proposal, notice, notice_tone)
    is_rep = viewer is not None and (not proposal.rep_user_id or viewer.user_id == proposal.rep_user_id)
    if not is_rep and viewer is not None and viewer.roles - {policy.approvals.default.approver_role}:
        return manager_card(proposal, viewer, policy, picklist, notice, notice_tone)
    return approval_card(proposal, viewer, policy, picklist, notice, notice_tone)

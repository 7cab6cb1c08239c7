"""Cards for proposals that no longer take decisions: queued, committed, conflict, failed, expired, closed."""
from __future__ import annotations

from bot.cards.common import RECAP_SENT, action_data, envelope, execute, header, notice_block, outlook_compose_url, text
from bot.cards.items import headline, status_line
from followup.domain.proposal import ItemStatus, Proposal, ProposalStatus

S = ProposalStatus
TITLES = {
    S.DECIDED: ("Decisions recorded", "Good"),
    S.QUEUED: ("Decisions recorded: approved changes are queued for the CRM", "Good"),
    S.COMMITTED: ("Approved changes were written to the CRM", "Good"),
    S.CONFLICTED: ("Conflict: the CRM changed since the call, so some changes were not written", "Attention"),
    S.FAILED: ("Some changes could not be written to the CRM", "Attention"),
    S.EXPIRED: ("Expired: undecided changes were not written", "Warning"),
    S.CLOSED: ("Closed: nothing was approved, nothing was written", "Default"),
}


def final_card(proposal: Proposal, notice: str | None = None, notice_tone: str = "warning") -> dict:
    title, color = TITLES.get(proposal.status, (f"Status: {proposal.status.value}", "Default"))
    body = [*notice_block(notice, notice_tone), *header(proposal, "Call follow-up"), text(title, weight="Bolder", color=color)]
    if proposal.status == S.FAILED:
        retrying = any(i.status == ItemStatus.FAILED and i.retryable for i in proposal.items)
        body.append(text("The write is retried automatically." if retrying else
                         "RevOps has been notified through the exceptions queue.", size="Small", isSubtle=True))
    if proposal.status == S.CONFLICTED:
        body.append(text("Update these fields in the CRM yourself if the call's value is still right.", size="Small",
                         isSubtle=True))
    for item in proposal.items:
        body.append({"type": "Container", "separator": True, "items": [text(headline(item)), status_line(item)]})
    if proposal.recap is None:
        return envelope(body, [])
    actions = [{"type": "Action.OpenUrl", "title": "Open recap in Outlook",
                "url": outlook_compose_url(proposal.recap.to, proposal.recap.subject, proposal.recap.body)}]
    if proposal.recap_sent_at is None and proposal.status != S.EXPIRED:
        actions.append(execute("Mark recap sent", RECAP_SENT, action_data(proposal), inputs="none"))
    return envelope(body, actions)

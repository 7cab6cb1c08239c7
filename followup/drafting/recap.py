"""Recap email drafted from the extraction: greeting, attendees and roles, next steps with
owners and dates, sign-off from the rep (``actions.recap_email.email_from: rep_primary``)."""
from __future__ import annotations

from followup.domain.proposal import RecapDraft
from followup.domain.snapshot import CrmSnapshot


def draft_recap(extraction, snapshot: CrmSnapshot, transcript) -> RecapDraft:
    rep = snapshot.call.rep.name
    buyers = [c for c in snapshot.Contacts if c.Name in extraction.attendees] or snapshot.Contacts[:1]
    greeting = "Hi " + " and ".join(c.Name.split()[0] for c in buyers) + "," if buyers else "Hello,"
    roles = {r.name: r.role for r in extraction.contact_roles}
    lines = [greeting, "", f"Thank you for your time on {snapshot.call.date:%A, %d %B}. A short recap of what we agreed:", ""]
    attendees = [f"{a}" + (f" ({roles[a]})" if a in roles else "") for a in extraction.attendees]
    if attendees:
        lines += ["Attendees: " + ", ".join(attendees), ""]
    firm = [s for s in extraction.next_steps if not s.tentative]
    tentative = [s for s in extraction.next_steps if s.tentative]
    if firm:
        lines.append("Next steps:")
        lines += [f"- {s.text} — {s.owner or rep}" + (f", by {s.due_date:%d %B}" if s.due_date else "") for s in firm]
        lines.append("")
    if tentative:
        lines.append("To be confirmed:")
        lines += [f"- {s.text} — {s.owner or rep}" for s in tentative]
        lines.append("")
    lines += ["Please let me know if I missed anything.", "", "Best regards,", rep]
    subject = f"{snapshot.Opportunity.Name}: recap of our call on {snapshot.call.date:%d %b %Y}"
    return RecapDraft(subject=subject, body="\n".join(lines), to=[c.Email for c in buyers if c.Email])

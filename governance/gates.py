"""Approval gates and field-level RBAC, straight from ``rbacs`` and ``approvals``.

``gate_for`` answers, for one ``Object.Field``: which role approves it, the confidence it needs,
whether it is high-risk and which extra step follows approval. ``writable_by_any_role`` is the
allowlist check that decides whether a value may be proposed at all.
"""
from __future__ import annotations

from followup.domain.proposal import Gate
from followup.errors import NotAuthorized
from governance.policy import TrustLayer, field_allowed


def high_risk_entry(policy: TrustLayer, field: str):
    return next((hr for hr in policy.approvals.high_risk_fields if hr.field == field), None)


def writable_by_any_role(policy: TrustLayer, field: str) -> bool:
    if field.split(".")[0] not in policy.actions.crm_updates.objects:
        return False
    return any(field_allowed(role.write_allowlist, field) for role in policy.rbacs.roles)


def roles_allowed_to_write(policy: TrustLayer, field: str) -> list[str]:
    return [role.name for role in policy.rbacs.roles if field_allowed(role.write_allowlist, field)]


def gate_for(policy: TrustLayer, field: str, confidence: float) -> Gate:
    """The gate for ``field`` at ``confidence``.

    High-risk fields use their own threshold and approver role. Other fields use the default
    approver role when that role may write the field; otherwise the first role whose allowlist
    covers it (e.g. ``Task.Priority`` → Manager via ``Task.*``).
    """
    hr = high_risk_entry(policy, field)
    if hr is not None:
        return Gate(field=field, approver_role=hr.approver_role, confidence_min=hr.confidence_min,
                    meets_threshold=confidence >= hr.confidence_min, high_risk=True,
                    additional_step=hr.additional_step)
    default = policy.approvals.default
    writers = roles_allowed_to_write(policy, field)
    role = default.approver_role if default.approver_role in writers else (writers[0] if writers else default.approver_role)
    return Gate(field=field, approver_role=role, confidence_min=default.confidence_min,
                meets_threshold=confidence >= default.confidence_min)


def check_can_approve(policy: TrustLayer, actor_roles: set[str], gate: Gate) -> str:
    """Return the role under which ``actor_roles`` may approve ``gate``; raise ``NotAuthorized`` otherwise.

    The approver must hold the gate's approver role, and that role must be allowed to write the
    field: an AE's approval never counts for a field only a Manager may write.
    """
    if gate.approver_role in actor_roles:
        role = policy.role(gate.approver_role)
        if role is not None and field_allowed(role.write_allowlist, gate.field):
            return gate.approver_role
    raise NotAuthorized(
        f"{gate.field} needs approval by role {gate.approver_role!r}; you hold {sorted(actor_roles) or 'no role'}"
    )


def bulk_approvable(gate: Gate) -> bool:
    """Only high-confidence, non-high-risk items join "Approve all high-confidence"."""
    return gate.meets_threshold and not gate.high_risk

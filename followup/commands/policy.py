"""`policy check FILE` validates a trust-layer policy; `policy show` prints the effective gates."""
from __future__ import annotations

import sys
from pathlib import Path


def register(subparsers) -> None:
    policy = subparsers.add_parser("policy", help="trust-layer policy")
    sub = policy.add_subparsers(dest="policy_command", required=True)
    check = sub.add_parser("check", help="validate a policy file (exit 0 when valid)")
    check.add_argument("file", type=Path)
    check.set_defaults(func=run_check)
    show = sub.add_parser("show", help="print the gate of every allowlisted field")
    show.add_argument("file", type=Path, nargs="?")
    show.set_defaults(func=run_show)


def run_check(args) -> int:
    from followup.errors import PolicyError
    from governance.policy import load_policy
    from governance.residency import residency_gaps

    try:
        policy = load_policy(args.file)
    except PolicyError as exc:
        for problem in exc.problems:
            print(f"{exc.source}: {problem}", file=sys.stderr)
        return exc.exit_code
    roles = ", ".join(r.name for r in policy.rbacs.roles)
    print(f"policy OK: {policy.system_name}; regions {policy.regions.all_regions}; roles {roles}; "
          f"{len(policy.approvals.high_risk_fields)} high-risk field(s)")
    for region, countries in residency_gaps(policy).items():
        print(f"warning: EU/EEA billing countries routed to {region!r}, outside the EU: {', '.join(countries)} "
              f"(add them to an eu-* routing rule if their data must stay in the EU)", file=sys.stderr)
    return 0


def run_show(args) -> int:
    from governance.gates import gate_for
    from governance.policy import DEFAULT_POLICY_PATH, load_policy

    policy = load_policy(args.file or DEFAULT_POLICY_PATH)
    fields = sorted({f for r in policy.rbacs.roles for f in r.write_allowlist})
    for field in fields:
        gate = gate_for(policy, field, 1.0)
        extra = f", then {gate.additional_step}" if gate.additional_step else ""
        risk = "high-risk, " if gate.high_risk else ""
        print(f"{field:<28} {risk}approver {gate.approver_role}, confidence >= {gate.confidence_min:.2f}{extra}")
    return 0

"""Residency routing: ``regions.routing_rules`` on ``Account.BillingCountry`` pick the region."""
from __future__ import annotations

from followup.errors import ResidencyViolation
from governance.policy import TrustLayer


def region_for(policy: TrustLayer, billing_country: str | None) -> str:
    country = (billing_country or "").strip().upper()
    for rule in policy.regions.routing_rules:
        if rule.field == "Account.BillingCountry" and country in rule.match:
            return rule.route_to
    return policy.regions.default_region


def assert_same_region(expected: str, actual: str, what: str) -> None:
    if expected != actual:
        raise ResidencyViolation(f"{what} belongs to region {expected!r} but was sent to {actual!r}")

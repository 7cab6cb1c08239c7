"""Residency routing: ``regions.routing_rules`` on ``Account.BillingCountry`` pick the region."""
from __future__ import annotations

from followup.errors import ResidencyViolation
from governance.policy import TrustLayer


# EU member states and the other EEA countries, whose accounts a residency policy normally keeps in an EU region.
EU_EEA = frozenset({"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT",
                    "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"})


def region_for(policy: TrustLayer, billing_country: str | None) -> str:
    country = (billing_country or "").strip().upper()
    for rule in policy.regions.routing_rules:
        if rule.field == "Account.BillingCountry" and country in rule.match:
            return rule.route_to
    return policy.regions.default_region


def assert_same_region(expected: str, actual: str, what: str) -> None:
    if expected != actual:
        raise ResidencyViolation(f"{what} belongs to region {expected!r} but was sent to {actual!r}")


def residency_gaps(policy: TrustLayer) -> dict[str, list[str]]:
    """EU/EEA billing countries the policy routes to a region whose id does not start with ``eu``, by that region.
    The policy is enforced as written; this is advice for whoever owns it (``policy check`` prints it)."""
    gaps: dict[str, list[str]] = {}
    for country in sorted(EU_EEA):
        region = region_for(policy, country)
        if not region.lower().startswith("eu"):
            gaps.setdefault(region, []).append(country)
    return gaps

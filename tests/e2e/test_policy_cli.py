"""`python -m followup policy check` on the shipped policy and on broken ones."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
POLICY = (ROOT / "governance" / "trust_layer.yaml").read_text()


def check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "followup", "policy", "check", str(path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_shipped_policy_is_valid():
    out = check(ROOT / "governance" / "trust_layer.yaml")
    assert out.returncode == 0 and out.stdout.startswith("policy OK")


def test_eu_countries_outside_the_routing_rules_are_a_warning_not_a_failure(tmp_path):
    out = check(ROOT / "governance" / "trust_layer.yaml")  # the shipped rules name six EU countries
    assert out.returncode == 0
    assert "warning: EU/EEA billing countries routed to 'us-east'" in out.stderr and "AT, BE," in out.stderr
    full = tmp_path / "policy.yaml"
    full.write_text(POLICY.replace('match: ["DE","FR","NL","IE","ES","IT"]', 'match: ["AT","BE","BG","HR","CY","CZ","DK","EE",'
                                   '"FI","FR","DE","GR","HU","IE","IT","LV","LT","LU","MT","NL","PL","PT","RO","SK","SI","ES","SE",'
                                   '"IS","LI","NO"]'))
    out = check(full)
    assert out.returncode == 0 and out.stderr == ""


@pytest.mark.parametrize("old, new, path", [
    ("confidence_min: 0.90", "confidence_min: 1.90", "approvals.high_risk_fields[0].confidence_min"),
    ("  exceptions:", "  surprise: 1\n  exceptions:", "surprise: unknown key"),
    ('approver_role: "Manager"\n        additional_step', 'approver_role: "VP"\n        additional_step', "approvals.high_risk_fields[0].approver_role"),
    ('start_utc: "07:00"', 'start_utc: "7am"', "actions.crm_updates.change_window.start_utc"),
    ('fallback: "no_commit"', 'fallback: "commit"', "approvals.default.fallback"),
    ('"DE","FR"', '"DE","FR","Germany"', "regions.routing_rules[0].match"),
])
def test_problems_name_their_exact_path(tmp_path, old, new, path):
    assert old in POLICY
    bad = tmp_path / "policy.yaml"
    bad.write_text(POLICY.replace(old, new, 1))
    out = check(bad)
    assert out.returncode == 2
    assert path in out.stderr, out.stderr


def test_unparseable_yaml_is_one_clear_line(tmp_path):
    bad = tmp_path / "policy.yaml"
    bad.write_text("trust_layer: [unclosed")
    out = check(bad)
    assert out.returncode == 2 and "not valid YAML" in out.stderr and out.stderr.strip().count("\n") == 0

"""`python -m followup demo` and the CLI's bad-input behaviour, run as a user would (subprocess)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path, data: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_")}
    env["FOLLOWUP_DATA_DIR"] = str(data)
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "followup", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_demo_runs_every_sample_end_to_end(tmp_path):
    out = run("demo", cwd=ROOT, data=tmp_path)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert text.count("Recap: ") == 3
    assert "local sandbox CRM" in text
    assert " → " in text and "Opportunity." in text
    assert "region eu-west" in text and "region us-east" in text
    assert "bulk-approved" in text and "Commit (" in text
    assert "conflicted" in text  # the concurrent CRM edit in the third sample
    assert "field_update_acceptance_rate" in text
    assert text.rstrip().endswith("audit verify: OK")
    assert (tmp_path / "demo" / "eu-west.sqlite").exists() and (tmp_path / "demo" / "us-east.sqlite").exists()


def test_demo_reports_missing_transcript_in_one_line(tmp_path):
    calls = tmp_path / "calls"
    (calls / "01-x").mkdir(parents=True)
    shutil.copy(ROOT / "samples" / "01-brightwater-pricing" / "crm.json", calls / "01-x" / "crm.json")
    out = run("demo", "--samples", str(calls), cwd=ROOT, data=tmp_path / "d")
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "no transcript" in out.stderr


def test_malformed_snapshot_and_transcript_write_nothing(tmp_path):
    calls = tmp_path / "calls" / "01-x"
    calls.mkdir(parents=True)
    (calls / "transcript.txt").write_text("Ann: we will sign by Friday\nBob: great\n")
    (calls / "crm.json").write_text(json.dumps({"Account": {"Id": "1"}}))
    out = run("demo", "--samples", str(calls.parent), cwd=ROOT, data=tmp_path / "d")
    assert out.returncode == 2 and "crm.json" in out.stderr and "Account.Name" in out.stderr
    shutil.copy(ROOT / "samples" / "01-brightwater-pricing" / "crm.json", calls / "crm.json")
    (calls / "transcript.txt").write_bytes(b"\x00\x01\x02 binary garbage")
    out = run("demo", "--samples", str(calls.parent), cwd=ROOT, data=tmp_path / "d")
    assert out.returncode == 2 and "transcript" in out.stderr.lower()
    assert out.stderr.strip().count("\n") == 0
    for db in (tmp_path / "d" / "demo").glob("*-*.sqlite"):
        import sqlite3

        assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM proposals").fetchone()[0] == 0


def test_invalid_policy_refuses_to_start(tmp_path):
    bad = tmp_path / "policy.yaml"
    bad.write_text((ROOT / "governance" / "trust_layer.yaml").read_text().replace("confidence_min: 0.90", "confidence_min: 1.90"))
    env_run = run("audit", "verify", cwd=ROOT, data=tmp_path)
    assert env_run.returncode == 0 and "audit verify: OK" in env_run.stdout
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_")}
    env.update(FOLLOWUP_DATA_DIR=str(tmp_path), FOLLOWUP_POLICY_PATH=str(bad), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-m", "followup", "audit", "verify"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 2
    assert "approvals.high_risk_fields[0].confidence_min" in out.stderr

"""`python -m followup extract` on every supported transcript format, and `eval`, run as a user would."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CRM = ROOT / "samples" / "01-brightwater-pricing" / "crm.json"
LINES = ["Dana Reyes: Thanks for the time today.",
         "Sam Ortiz: Happy to. The pilot went well and we want a formal quote.",
         "Dana Reyes: Great. I'll send the quote by Friday."]
FORMATS = {
    "speaker_lines.txt": "\n".join(LINES) + "\n",
    "timestamped.txt": "".join(f"[00:00:{i * 7:02d}] {line}\n" for i, line in enumerate(LINES)),
    "call.vtt": "WEBVTT\n\n" + "".join(
        f"{i + 1}\n00:00:{i * 7:02d}.000 --> 00:00:{i * 7 + 6:02d}.000\n<v {line.split(': ')[0]}>{line.split(': ', 1)[1]}</v>\n\n"
        for i, line in enumerate(LINES)),
    "call.json": json.dumps([{"speaker": line.split(": ")[0], "start": i * 7.0, "text": line.split(": ", 1)[1]}
                             for i, line in enumerate(LINES)]),
    "notes.txt": "Call with Sam Ortiz today. The pilot went well.\n\nI'll send the formal quote by Friday.\n",
}


def run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "followup", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_extract_prints_the_documented_json_for_every_format(tmp_path, name):
    path = tmp_path / name
    path.write_text(FORMATS[name], encoding="utf-8")
    out = run("extract", str(path), "--crm", str(CRM), "--call-date", "2026-11-17", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert set(result) >= {"next_steps", "fields", "contact_roles", "recap"}
    assert set(result["recap"]) == {"subject", "body"} and result["recap"]["subject"]
    step = next(s for s in result["next_steps"] if "quote" in s["text"].lower())
    assert step["due_date"] == "2026-11-20"  # the Friday after Tuesday 17 November
    assert set(step) >= {"text", "owner", "due_date", "evidence", "certainty", "confidence"}
    assert step["evidence"] and all(q in FORMATS[name] for q in step["evidence"])
    for item in result["fields"]:
        assert set(item) >= {"field", "value", "evidence", "certainty", "confidence"} and item["evidence"]


def test_extract_without_crm_needs_a_call_date(tmp_path):
    path = tmp_path / "call.txt"
    path.write_text(FORMATS["speaker_lines.txt"])
    out = run("extract", str(path), "--json")
    assert out.returncode == 2 and "--call-date" in out.stderr
    out = run("extract", str(path), "--call-date", "2026-11-17", "--json")
    assert out.returncode == 0 and json.loads(out.stdout)["next_steps"][0]["owner"] == "Dana Reyes"


def test_extract_refuses_an_unparseable_transcript(tmp_path):
    path = tmp_path / "call.json"
    path.write_text('[{"who": "nobody"}]')
    out = run("extract", str(path), "--crm", str(CRM), "--json")
    assert out.returncode == 2 and out.stdout == "" and "call.json" in out.stderr


def test_eval_prints_every_metric(tmp_path):
    call = tmp_path / "calls" / "01"
    call.mkdir(parents=True)
    (call / "transcript.txt").write_text(FORMATS["speaker_lines.txt"])
    crm = json.loads(CRM.read_text())
    crm["call"]["date"] = "2026-11-17"
    (call / "crm.json").write_text(json.dumps(crm))
    gold = {"next_steps": [{"text": "Send the formal quote", "owner": "Dana Reyes", "due_date": "2026-11-20"}],
            "fields": {"Opportunity.CloseDate": None, "Opportunity.StageName": None, "Opportunity.Amount": None,
                       "Opportunity.NextStep": None},
            "contact_roles": [], "must_not_propose": [], "pii": []}
    (call / "gold.json").write_text(json.dumps(gold))
    out = run("eval", str(tmp_path / "calls"))
    assert out.returncode == 0, out.stderr
    for label in ("calls: 1", "next steps: recall", "fields: precision", "must-not-propose violations", "PII leaks"):
        assert label in out.stdout
    assert "next steps: recall 1.00 (firm), precision 1.00" in out.stdout

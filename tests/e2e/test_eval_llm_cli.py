"""`eval --llm` and `extract --llm`: the model path scored as a user would run it, against loopback
OpenAI-compatible servers (one per region), with the offline rules as the fallback."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.fake_openai_server import FakeOpenAI, Scripted

ROOT = Path(__file__).resolve().parents[2]
HOLDOUT = ROOT / "tests" / "fixtures" / "holdout"
CALLS = {"09-garonne-claims-pricing": "eu-west", "05-bramwell-iot-expansion": "us-east"}  # FR and US accounts
EMPTY = json.dumps({"next_steps": [], "fields": [], "contact_roles": [], "competitors": [], "objections": []})


@pytest.fixture
def servers():
    eu, us = FakeOpenAI().start(), FakeOpenAI().start()
    yield {"eu-west": eu, "us-east": us}
    eu.stop()
    us.stop()


@pytest.fixture
def calls(tmp_path):
    root = tmp_path / "calls"
    root.mkdir()
    for name in CALLS:
        (root / name).symlink_to(HOLDOUT / name)
    return root


def run(*args: str, env_extra: dict | None = None, data: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_")}
    env["PYTHONPATH"] = str(ROOT)
    if data is not None:
        env["FOLLOWUP_DATA_DIR"] = str(data)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "followup", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def model_env(servers) -> dict:
    return {"FOLLOWUP_LLM": "openai", "FOLLOWUP_OPENAI_API_KEY": "test-key",
            "FOLLOWUP_OPENAI_ENDPOINT_EU_WEST": servers["eu-west"].url + "/v1",
            "FOLLOWUP_OPENAI_ENDPOINT_US_EAST": servers["us-east"].url + "/v1"}


def test_eval_llm_calls_each_accounts_region_and_counts_model_outcomes(servers, calls, tmp_path):
    for server in servers.values():
        server.script(Scripted(content=EMPTY))
    out = run("eval", str(calls), "--llm", "--json", env_extra=model_env(servers), data=tmp_path / "data")
    assert out.returncode == 0, out.stderr
    scored = json.loads(out.stdout)
    assert scored["model_outcomes"] == {"ok": 2}
    assert len(servers["eu-west"].received) == 1 and len(servers["us-east"].received) == 1
    assert "Garonne" in servers["eu-west"].bodies() and "Garonne" not in servers["us-east"].bodies()
    for name in CALLS:  # PII is masked before it leaves for the model
        pii = json.loads((HOLDOUT / name / "gold.json").read_text())["pii"]
        assert not any(p in servers["eu-west"].bodies() + servers["us-east"].bodies() for p in pii)
    rules = json.loads(run("eval", str(calls), "--json").stdout)
    assert rules["model_outcomes"] == {}
    # an empty model answer merged over the rules keeps what the rules found
    assert {k: v for k, v in scored.items() if k != "model_outcomes"} == {k: v for k, v in rules.items() if k != "model_outcomes"}


def test_eval_llm_counts_malformed_answers_as_fallbacks(servers, calls, tmp_path):
    for server in servers.values():
        server.script(Scripted(content="this is not JSON"))
    out = run("eval", str(calls), "--llm", env_extra=model_env(servers), data=tmp_path / "data")
    assert out.returncode == 0, out.stderr
    assert "model calls: fallback 2" in out.stdout
    assert "next steps: recall" in out.stdout


def test_extract_llm_uses_the_model_and_records_the_prompt(servers, tmp_path):
    call = HOLDOUT / "09-garonne-claims-pricing"
    servers["eu-west"].script(Scripted(content=EMPTY))
    data = tmp_path / "data"
    out = run("extract", str(next(call.glob("transcript.*"))), "--crm", str(call / "crm.json"), "--llm", "--json",
              env_extra=model_env(servers), data=data)
    assert out.returncode == 0, out.stderr
    assert set(json.loads(out.stdout)) >= {"next_steps", "fields", "contact_roles", "recap"}
    assert len(servers["eu-west"].received) == 1 and servers["us-east"].received == []
    assert any(data.rglob("*")), "the prompt log lands in the region's store"


def test_llm_flag_without_a_configured_model_is_a_clear_error(calls, tmp_path):
    out = run("eval", str(calls), "--llm", data=tmp_path / "data")
    assert out.returncode == 2
    assert "FOLLOWUP_LLM" in out.stderr

"""`python -m followup replay PROMPT_ID` re-sends a logged masked prompt to its own region's endpoint."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from followup.adapters.llm_openai import client_factory
from followup.adapters.sqlite_store import SqliteRegionStore
from followup.cli import main
from followup.domain.snapshot import load_snapshot
from followup.drafting.llm_extractor import LlmExtractor, StorePromptLog
from followup.drafting.transcript import load_transcript
from tests.integration.fake_openai_server import FakeOpenAI, Scripted

KESSLER = Path(__file__).resolve().parents[2].parent / "shared" / "scenarios" / "dev" / "01-kessler-discovery"
pytestmark = pytest.mark.skipif(not KESSLER.is_dir(), reason="labelled dev calls not present beside the repo")

REPLY = json.dumps({"next_steps": [], "fields": [], "contact_roles": [], "competitors": [], "objections": ["timing"]})


@pytest.fixture
def servers():
    eu, us = FakeOpenAI().start(), FakeOpenAI().start()
    yield eu, us
    eu.stop()
    us.stop()


def test_replay_sends_the_logged_masked_prompt_to_the_same_region(servers, tmp_path, monkeypatch, capsys):
    eu, us = servers
    data = tmp_path / "data"
    data.mkdir()
    store = SqliteRegionStore(data / "eu-west.sqlite", "eu-west")
    eu.script(Scripted(content=REPLY), Scripted(content=REPLY.replace("timing", "budget")))
    factory = client_factory({"eu-west": {"endpoint": eu.url + "/v1", "deployment": "gpt-test", "kind": "openai"}})
    extractor = LlmExtractor(factory, prompt_log=StorePromptLog(store), timeout_s=5)
    extractor.extract(load_transcript(KESSLER / "transcript.vtt"), load_snapshot(KESSLER / "crm.json"), region="eu-west")
    prompt_id = extractor.last_report["prompt_id"]
    logged = store.get_prompt(prompt_id)

    monkeypatch.setenv("FOLLOWUP_DATA_DIR", str(data))
    monkeypatch.setenv("FOLLOWUP_LLM", "openai")
    monkeypatch.setenv("FOLLOWUP_OPENAI_ENDPOINT_EU_WEST", eu.url + "/v1")
    monkeypatch.setenv("FOLLOWUP_OPENAI_ENDPOINT_US_EAST", us.url + "/v1")
    monkeypatch.setenv("FOLLOWUP_OPENAI_API_KEY", "test-key")
    assert main(["replay", prompt_id, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)

    assert out["region"] == "eu-west" and out["original"] == REPLY
    assert json.loads(out["replayed"])["objections"] == ["budget"]
    assert len(eu.received) == 2 and us.received == []
    assert eu.received[1].body["messages"] == logged.masked_prompt
    assert eu.received[1].body["temperature"] == 0.0


def test_replay_of_an_unknown_prompt_fails_cleanly(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FOLLOWUP_DATA_DIR", str(tmp_path / "data"))
    assert main(["replay", "prm_missing"]) != 0
    assert "prm_missing" in capsys.readouterr().err

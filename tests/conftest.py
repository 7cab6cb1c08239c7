"""Shared fixtures. Tests never read the developer's environment: FOLLOWUP_* variables are cleared."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SCENARIOS = ROOT.parent / "shared" / "scenarios" / "dev"
SAMPLES = ROOT / "samples"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    for key in list(os.environ):
        if key.startswith("FOLLOWUP_") or key.startswith("MicrosoftApp"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("FOLLOWUP_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def repo_root() -> Path:
    return ROOT

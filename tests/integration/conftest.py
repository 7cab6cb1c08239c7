"""Loopback Cosmos DB API servers shared by the integration tests (skipped when Node or the server is missing)."""
from __future__ import annotations

import pytest

from tests.integration.cosmos_server import CosmosServer, available


@pytest.fixture(scope="module")
def cosmos_servers():
    """One Cosmos API server per residency region, stopped by PID at the end."""
    reason = available()
    if reason:
        pytest.skip(f"Cosmos DB test server unavailable: {reason}")
    started = {}
    try:
        for region in ("us-east", "eu-west"):
            started[region] = CosmosServer()
        yield started
    finally:
        for server in started.values():
            server.stop()


@pytest.fixture
def cosmos_server():
    """A server of its own, because these tests take it down."""
    reason = available()
    if reason:
        pytest.skip(f"Cosmos DB test server unavailable: {reason}")
    own = CosmosServer()
    yield own
    own.stop()

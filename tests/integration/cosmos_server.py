"""Starts and stops the local Cosmos DB API test server (``cosmos_server.js``) by PID."""
from __future__ import annotations

import base64
import json
import shutil
import ssl
import subprocess
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("cosmos_server.js")
SERVER_LIB = ROOT / "node_modules" / "@vercel" / "cosmosdb-server" / "lib"
KEY = base64.b64encode(b"local-test-key-" * 4).decode()  # the server accepts any valid base64 key


def available() -> str | None:
    """None when the server can run here, else why not."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not SERVER_LIB.is_dir():
        return "node_modules/@vercel/cosmosdb-server missing (run make install / npm ci)"
    return None


class CosmosServer:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(["node", str(SCRIPT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
        line = self.proc.stdout.readline()
        if not line.startswith("listening "):
            self.stop()
            raise RuntimeError(f"cosmos test server did not start: {line!r}")
        self.port = int(line.split()[1])
        self.endpoint = f"https://127.0.0.1:{self.port}/"

    def _command(self, command: str, expect: str) -> None:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line.startswith(expect):
            raise RuntimeError(f"cosmos test server: {command!r} answered {line!r}")

    def down(self) -> None:
        """Unreachable (connection refused); data is kept."""
        self._command("down", "down")

    def up(self) -> None:
        self._command("up", "listening")

    def outage_after_writes(self, writes: int) -> None:
        """Go down by itself after ``writes`` more document writes (queries and reads do not count)."""
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        request = urllib.request.Request(f"{self.endpoint}_test/outage", data=json.dumps({"afterWrites": writes}).encode(),
                                         method="POST", headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, context=context, timeout=5) as response:
            response.read()

    def wait_down(self) -> None:
        line = self.proc.stdout.readline()
        if not line.startswith("down"):
            raise RuntimeError(f"cosmos test server: expected to go down, said {line!r}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=5)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream:
                stream.close()

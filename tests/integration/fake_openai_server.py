"""A loopback OpenAI-compatible chat server for tests: answers ``/v1/chat/completions`` and
``/openai/deployments/{d}/chat/completions`` with scripted replies and records every request."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Scripted:
    content: str | None = None  # message content to answer
    status: int = 200
    delay_s: float = 0.0
    raw: str | None = None  # a raw body instead of a chat completion
    responder: Callable[[dict], str] | None = None  # content computed from the request body


@dataclass
class Received:
    path: str
    headers: dict
    body: dict


@dataclass
class FakeOpenAI:
    replies: list[Scripted] = field(default_factory=list)
    default: Scripted = field(default_factory=lambda: Scripted(content="{}"))
    received: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, *replies: Scripted) -> None:
        self.replies.extend(replies)

    def bodies(self) -> str:
        return "\n".join(json.dumps(r.body, ensure_ascii=False) for r in self.received)

    def start(self) -> "FakeOpenAI":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    body = {"_raw": raw.decode("utf-8", "replace")}
                fake.received.append(Received(self.path, dict(self.headers), body))
                if not self.path.split("?")[0].endswith("/chat/completions"):
                    return self._send(404, {"error": {"message": "not found"}})
                reply = fake.replies.pop(0) if fake.replies else fake.default
                if reply.delay_s:
                    fake.stopping.wait(reply.delay_s)
                if reply.status != 200:
                    return self._send(reply.status, {"error": {"message": "scripted failure", "type": "server_error"}})
                content = reply.responder(body) if reply.responder else reply.content
                if reply.raw is not None:
                    return self._send(200, reply.raw)
                return self._send(200, {
                    "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
                    "model": body.get("model", "test-model"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                })

            def _send(self, status: int, payload):
                data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

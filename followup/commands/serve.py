"""`python -m followup serve --port 3978`: the bot's HTTP endpoints on a local aiohttp server.

Hosts the same bridge as ``function_app.py`` (``/api/messages``, ``/api/health``, ``/api/calls``)
for the Microsoft 365 Agents Playground or a dev tunnel. Prints whether Bot Framework auth is on.
"""
from __future__ import annotations

import logging


def register(subparsers) -> None:
    serve = subparsers.add_parser("serve", help="host the Teams bot endpoints locally (aiohttp)")
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=3978, help="port (default 3978; 0 picks a free one)")
    serve.set_defaults(func=run_serve)


def build_web_app(bridge):
    """aiohttp application routing the three endpoints to ``bridge`` (a ``bot.http_bridge.BotBridge``)."""
    from aiohttp import web

    def reply(result) -> web.Response:
        return web.Response(status=result.status, body=result.content(), headers=result.headers,
                            content_type="application/json" if result.body is not None else None)

    async def messages(request: web.Request) -> web.Response:
        return reply(await bridge.messages(await request.read(), request.headers.get("Authorization")))

    async def health(request: web.Request) -> web.Response:
        return reply(bridge.health())

    async def calls(request: web.Request) -> web.Response:
        return reply(await bridge.calls(await request.read()))

    web_app = web.Application(client_max_size=8 * 1024 * 1024)
    async def probe(request: web.Request) -> web.Response:  # the Agents Playground probes the endpoint with HEAD
        return web.Response(status=200)

    web_app.router.add_post("/api/messages", messages)
    web_app.router.add_route("HEAD", "/api/messages", probe)
    web_app.router.add_get("/api/health", health)
    web_app.router.add_post("/api/calls", calls)
    return web_app


def run_serve(args) -> int:
    import asyncio

    from aiohttp import web

    from bot.http_bridge import BotBridge
    from followup.bootstrap import bootstrap

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = bootstrap()
    bridge = BotBridge(app)

    async def main() -> None:
        runner = web.AppRunner(build_web_app(bridge))
        await runner.setup()
        site = web.TCPSite(runner, args.host, args.port)
        await site.start()
        port = runner.addresses[0][1]
        auth = f"enabled (app id {app.settings.app_id})" if bridge.auth_enabled else "disabled: no MicrosoftAppId"
        print(f"Listening on http://{args.host}:{port}/api/messages (auth {auth}; CRM: {app.crm.label})", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    return 0

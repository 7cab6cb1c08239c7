"""Azure Functions entry point (Python v2 programming model): trigger registration only.

Nothing is built at import: ``bridge()`` bootstraps the service graph once per worker on the
first invocation. Bot messages are anonymous at the Functions level and authenticated by the Bot
Framework JWT in the bridge; ``/api/calls`` needs a function key.
"""
from __future__ import annotations

import asyncio
import logging

import azure.functions as func

app = func.FunctionApp(http_auth_level=func.AuthLevel.FUNCTION)
log = logging.getLogger("followup.functions")
_bridge = None
COMMIT_SCHEDULE = "0 */5 * * * *"
BRIEF_SCHEDULE = "0 0 7 * * 1-5"
RETENTION_SCHEDULE = "0 30 2 * * *"


def bridge():
    """The per-worker ``BotBridge`` (built on first use)."""
    global _bridge
    if _bridge is None:
        from bot.http_bridge import BotBridge
        from followup.bootstrap import bootstrap

        _bridge = BotBridge(bootstrap())
    return _bridge


def reset() -> None:
    """Forget the worker's bridge (tests, or after a settings change)."""
    global _bridge
    _bridge = None


def _response(result) -> func.HttpResponse:
    return func.HttpResponse(body=result.content(), status_code=result.status, headers=result.headers or None,
                             mimetype="application/json" if result.body is not None else None)


def _startup_failure(exc: Exception) -> func.HttpResponse:
    from bot.http_bridge import HttpResult

    log.error("start-up failed: %s", exc)
    return _response(HttpResult(503, {"status": "unavailable", "error": str(exc)}))


@app.function_name("messages")
@app.route(route="messages", methods=["POST"], auth_level=func.AuthLevel.ANONYMOUS)
async def messages(req: func.HttpRequest) -> func.HttpResponse:
    from followup.errors import ConfigError

    try:
        current = bridge()
    except ConfigError as exc:
        return _startup_failure(exc)
    return _response(await current.messages(req.get_body(), req.headers.get("Authorization")))


@app.function_name("health")
@app.route(route="health", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
def health(req: func.HttpRequest) -> func.HttpResponse:
    from followup.errors import ConfigError

    try:
        return _response(bridge().health())
    except ConfigError as exc:
        return _startup_failure(exc)


@app.function_name("calls")
@app.route(route="calls", methods=["POST"], auth_level=func.AuthLevel.FUNCTION)
async def calls(req: func.HttpRequest) -> func.HttpResponse:
    from followup.errors import ConfigError

    try:
        current = bridge()
    except ConfigError as exc:
        return _startup_failure(exc)
    return _response(await current.calls(req.get_body()))


@app.function_name("commit_outbox")
@app.timer_trigger(schedule=COMMIT_SCHEDULE, arg_name="timer", run_on_startup=False, use_monitor=True)
async def commit_outbox(timer: func.TimerRequest) -> None:
    current = bridge()
    committed = await asyncio.to_thread(current.app.commit_due)
    expired = await asyncio.to_thread(current.app.sweep)
    log.info("outbox: %d proposal(s) processed, %d expired", len(committed), len(expired))


@app.function_name("daily_brief")
@app.timer_trigger(schedule=BRIEF_SCHEDULE, arg_name="timer", run_on_startup=False, use_monitor=True)
async def daily_brief(timer: func.TimerRequest) -> None:
    from bot.cards import brief_card
    from followup.services.brief import render_text

    current = bridge()
    brief = await asyncio.to_thread(current.app.brief, 24)
    channel = current.app.settings.revops_channel
    if channel and await current.proactive.send_to(f"channel:{channel}", brief_card(brief)):
        log.info("brief posted to %s", channel)
        return
    log.info("no RevOps channel conversation known; brief:\n%s", render_text(brief))


@app.function_name("retention_purge")
@app.timer_trigger(schedule=RETENTION_SCHEDULE, arg_name="timer", run_on_startup=False, use_monitor=True)
async def retention_purge(timer: func.TimerRequest) -> None:
    """``logging.retention_days``: prompt-log entries and evidence bundles past retention are deleted daily."""
    purged = await asyncio.to_thread(bridge().app.purge_logs)
    log.info("retention: purged %s", purged)

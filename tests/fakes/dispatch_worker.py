"""One bot instance for the multi-instance test: ``python -m tests.fakes.dispatch_worker``.

It is the production ``BotService`` in webhook mode, configured from the environment like
``safetybot run``, with two test affordances: it starts only when a line arrives on stdin (so
every instance begins claiming at once), and ``DISPATCH_BATCH`` shrinks the claim batch so
instances interleave more. On SIGTERM it stops gracefully and prints one JSON line with what
it sent.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys

from bot.bootstrap import build_context
from bot.config import Settings
from bot.logging_setup import configure_logging
from bot.web.service import BotService


def _say(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


async def run() -> int:
    settings = Settings(_env_file=None)
    assert settings.telegram_bot_token is not None
    configure_logging(
        settings.log_level,
        json_lines=settings.log_json,
        secrets=[settings.telegram_bot_token.get_secret_value()],
    )
    ctx = build_context(settings)
    service = BotService(ctx)
    assert service.runtime.dispatcher is not None
    service.runtime.dispatcher.batch = int(os.environ.get("DISPATCH_BATCH", "500"))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    _say(loaded=service.worker)
    await loop.run_in_executor(None, sys.stdin.readline)
    await service.start()
    assert service.server is not None
    _say(started=service.worker, port=service.server.port)
    await stop.wait()
    await service.stop()
    ctx.engine.dispose()
    registry = service.metrics.registry
    _say(
        worker=service.worker,
        sent=registry.get_sample_value("safetybot_reminders_sent_total"),
        messages=registry.get_sample_value("safetybot_reminder_messages_total"),
        ticks=registry.get_sample_value("safetybot_dispatch_ticks_total"),
    )
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(run()))

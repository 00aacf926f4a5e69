"""PTB's ``AIORateLimiter``, with a way for the outbox to send without its 429 retries.

On a 429 the limiter sleeps ``retry_after`` and retries, and while it sleeps it holds back
*every* request of the bot. That suits a reply in a chat. It does not suit the dispatcher: one
throttled group would stall the reminders of every other chat, and every reply, for up to
``max_retries × retry_after`` (Telegram asks for 30 s and more). The dispatcher therefore sends
with ``rate_limit_args=NO_RETRY``: the 429 surfaces at once, ``send_html`` turns it into
``RetryLater`` and the outbox parks only that chat's reminders until ``retry_after`` has passed.

PTB drops a falsy ``rate_limit_args`` on the way and reads 0 as "use the default", hence this
subclass and a truthy marker (-1). The flood limits themselves (overall and per group) still
apply to every request.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter

from bot.telegram.pacing import SteadyPace

NO_RETRY = -1  # rate_limit_args for a send whose 429 the caller handles itself

Result = bool | JSONDict | list[JSONDict]


class RateLimiter(AIORateLimiter):
    """``AIORateLimiter`` where ``rate_limit_args=NO_RETRY`` means one attempt, no pause, and
    whose overall limit is ``bot.telegram.pacing.SteadyPace`` at
    ``RATE_LIMIT_OVERALL_PER_SECOND`` (default 29) instead of PTB's bursting bucket."""

    def __init__(
        self, *, overall_max_rate: float, overall_time_period: float = 1, **kwargs: Any
    ) -> None:
        super().__init__(
            overall_max_rate=overall_max_rate, overall_time_period=overall_time_period, **kwargs
        )
        if overall_max_rate and overall_time_period:
            self._base_limiter = SteadyPace(overall_max_rate / overall_time_period)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        if rate_limit_args != NO_RETRY:
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        chat_id = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        # As in AIORateLimiter: negative ids and @names are groups and channels.
        group = (
            chat_id
            if isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0)
            else False
        )
        return await self._run_request(
            chat=chat_id is not None,
            group=group,
            allow_paid_broadcast=bool(data.get("allow_paid_broadcast", False)),
            callback=callback,
            args=args,
            kwargs=kwargs,
        )

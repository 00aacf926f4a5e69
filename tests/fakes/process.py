"""Reading a child process's output line by line, and awaiting the first line that matches.

Tests that start real processes (``safetybot run``, dispatcher instances) wait on what the
process says, never on the wall clock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class LineReader:
    """Collects a stream's lines in the background; ``wait_for`` returns the first match."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.lines: list[str] = []
        self._changed = asyncio.Event()
        self._task = asyncio.create_task(self._read(stream))

    async def _read(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            self.lines.append(line.decode().rstrip("\n"))
            self._changed.set()
        self._changed.set()

    async def wait_for(self, match: Callable[[str], bool], timeout: float = 60) -> str:  # noqa: ASYNC109
        async def scan() -> str:
            seen = 0
            while True:
                self._changed.clear()
                for line in self.lines[seen:]:
                    if match(line):
                        return line
                seen = len(self.lines)
                if self._task.done():
                    raise AssertionError("process ended; output:\n" + "\n".join(self.lines))
                await self._changed.wait()

        return await asyncio.wait_for(scan(), timeout)

    async def finish(self) -> list[str]:
        """Every line, once the stream has closed (the process ended)."""
        await self._task
        return self.lines

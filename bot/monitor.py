"""How long the event loop goes without running: the number that says heartbeats are safe."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

__all__ = ["LoopMonitor"]

log = logging.getLogger(__name__)

WARN_STALL_S = 0.25  # a stall this long is logged: Discord drops a session after ~41 s, but
# interactions and heartbeats should never wait on our code for more than a blink


class LoopMonitor:
    """Wakes every `interval` seconds and records how late each wake-up was."""

    def __init__(self, *, interval: float = 0.01, warn_after: float = WARN_STALL_S) -> None:
        self.interval = interval
        self.warn_after = warn_after
        self.max_stall = 0.0  # seconds beyond the interval, worst seen since reset()
        self.samples = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start watching the running loop."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="loop-monitor")

    async def stop(self) -> None:
        """Stop watching."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def reset(self) -> None:
        """Forget the worst stall seen so far."""
        self.max_stall = 0.0
        self.samples = 0

    @property
    def max_stall_ms(self) -> float:
        """The worst stall since the last reset, in milliseconds."""
        return self.max_stall * 1000.0

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.interval)
            stall = time.perf_counter() - before - self.interval
            self.samples += 1
            if stall > self.max_stall:
                self.max_stall = stall
            if stall > self.warn_after:
                log.warning("event loop stalled for %.0f ms", stall * 1000)

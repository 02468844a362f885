"""Build once across processes: one digest per feed set and minute, whoever builds it.

Within a process the schedule groups the channels due in a tick by feed set and builds each set
once. Several processes sharing the database would each build it again; instead each set's
digest for the minute its channels are due is claimed in the database (`Storage.claim_build`,
one atomic upsert):

- the process whose claim wins builds the digest, stores it and records it as the build's
  (`finish_build`), renewing its claim every third of BUILD_LEASE while it works;
- the others wait for it, looking every BUILD_POLL_S, and post the stored digest;
- a builder that dies stops renewing, so its claim lapses after BUILD_LEASE and the next process
  to look takes it over; one whose pipeline fails lets go at once (`release_build`), and a
  process that stops lets go of what it was building.

Waiting is bounded (BUILD_WAIT): past it the channels are left to the next tick, which looks
again. A process never waits on one set while it could build another, so processes share the
work of many sets rather than queueing behind one another.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import AsyncGenerator, Callable, Collection, Mapping, Sequence

from summarizer.models import Digest

from .service import DigestService
from .storage import Build, Storage

__all__ = ["BUILD_LEASE", "Builder", "Built"]

log = logging.getLogger(__name__)

# How long a claimed build blocks the other processes if its builder dies: renewed every third
# of it while the builder works, so only a dead builder's claim ever lapses; short, since the
# channels due then wait out the rest of it.
BUILD_LEASE = dt.timedelta(seconds=60)
BUILD_POLL_S = 0.5  # how often a waiting process looks for another's digest
# How long a process waits on other processes' builds in one tick: a real pipeline takes a
# minute or two per feed set on small machines; past this the next tick looks again.
BUILD_WAIT_S = 600.0

FeedSet = tuple[str, ...]
Built = tuple[int, Digest]  # the stored digest's id, and the digest


class Builder:
    """Builds feed sets' digests once across every process sharing the storage."""

    def __init__(
        self,
        storage: Storage,
        service: DigestService,
        *,
        owner: str,
        clock: Callable[[], dt.datetime],
        lease: dt.timedelta = BUILD_LEASE,
        wait_s: float = BUILD_WAIT_S,
        poll_s: float = BUILD_POLL_S,
    ) -> None:
        """Set up the builder.

        Args:
            storage: the database the processes share.
            service: the summarizer that builds a digest.
            owner: names this process in its claims; unique among the processes.
            clock: the current aware UTC time (the claims' leases are read on it).
            lease: how long a claim lasts without renewal.
            wait_s: how long one `run` waits on other processes' builds.
            poll_s: how often it looks for them meanwhile.

        """
        self.storage = storage
        self.service = service
        self.owner = owner
        self.clock = clock
        self.lease = lease
        self.wait_s = wait_s
        self.poll_s = poll_s
        self.built = 0  # digests this process built, for the benchmark and tests
        # Builds claimed and not finished: let go when the process stops (`release`).
        self._claimed: set[tuple[FeedSet, dt.datetime]] = set()

    async def run(
        self, slots: Mapping[FeedSet, Collection[dt.datetime]]
    ) -> AsyncGenerator[tuple[FeedSet, dict[dt.datetime, Built]], None]:
        """Each feed set's digests, one per minute its channels are due, as soon as they exist.

        A set is built at most once by this process, whatever number of minutes it covers (a
        catch-up after downtime finds channels due at several); minutes another process has
        built or is building take that digest. Minutes whose build failed, or that another
        process was still building after `wait_s`, are left out (a set with none left is not
        yielded at all); their channels are due again at the next tick.

        Args:
            slots: the minutes (aware UTC) at which each feed set's channels are due.

        """
        pending = {feeds: set(minutes) for feeds, minutes in slots.items() if minutes}
        digests: dict[int, Digest] = {}
        own: dict[FeedSet, tuple[int, dt.datetime]] = {}  # built here: the digest, when
        deadline = time.monotonic() + self.wait_s
        while pending:
            progressed = False
            for feeds in list(pending):
                ready, mine = await self._look(feeds, pending[feeds], digests)
                if mine:
                    ready.update(await self._build(feeds, mine, digests, own))
                    progressed = True
                pending[feeds] -= {*ready, *mine}
                if ready or not pending[feeds]:
                    progressed = True
                if not pending[feeds]:
                    del pending[feeds]
                if ready:
                    yield feeds, ready
            if pending and not progressed:
                if time.monotonic() > deadline:
                    log.warning(
                        "%d feed set(s) still being built by other processes after %.0f s; "
                        "left to the next tick",
                        len(pending),
                        self.wait_s,
                    )
                    return
                await asyncio.sleep(self.poll_s)

    async def release(self) -> None:
        """Let go of every build this process claimed and has not finished (it is stopping)."""
        for feeds, slot in list(self._claimed):
            await self.storage.release_build(feeds, slot, owner=self.owner)
        self._claimed.clear()

    async def _look(
        self, feeds: FeedSet, slots: Collection[dt.datetime], digests: dict[int, Digest]
    ) -> tuple[dict[dt.datetime, Built], list[dt.datetime]]:
        """The minutes already built (with their digests), and those this process has claimed."""
        ready: dict[dt.datetime, Built] = {}
        mine: list[dt.datetime] = []
        for slot in sorted(slots):
            now = self.clock()
            row = await self.storage.build(feeds, slot)
            if row is None or _claimable(row, now):
                # Only then a write: waiting processes read, so SQLite's lock stays free.
                row = await self.storage.claim_build(
                    feeds, slot, owner=self.owner, now=now, until=now + self.lease
                )
            if row.digest_id is not None:
                ready[slot] = await self._load(row.digest_id, digests)
            elif row.owner == self.owner:
                mine.append(slot)
        return ready, mine

    async def _build(
        self,
        feeds: FeedSet,
        slots: Sequence[dt.datetime],
        digests: dict[int, Digest],
        own: dict[FeedSet, tuple[int, dt.datetime]],
    ) -> dict[dt.datetime, Built]:
        """The set's digest for the minutes claimed; none if the pipeline failed.

        Built, unless `own` has it from earlier in this run (a minute claimed late, after
        another process let it go).
        """
        self._claimed.update((feeds, slot) for slot in slots)
        if feeds not in own:
            renewing = asyncio.create_task(self._renew(feeds, slots))
            try:
                digest = await self.service.digest(list(feeds))
                now = self.clock()
                digest_id = await self.storage.add_digest(digest, now=now)
            except Exception:
                # Let go at once: another process, or the next tick here, tries again (within
                # the catch-up window).
                log.exception("building the digest of %d feed(s) failed", len(feeds))
                for slot in slots:
                    await self.storage.release_build(feeds, slot, owner=self.owner)
                    self._claimed.discard((feeds, slot))
                return {}
            finally:
                renewing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await renewing
            self.built += 1
            digests[digest_id] = digest
            own[feeds] = digest_id, now
        digest_id, now = own[feeds]
        built: dict[dt.datetime, Built] = {}
        for slot in slots:
            # Not ours if our claim lapsed and another process finished first: then theirs.
            winner = await self.storage.finish_build(feeds, slot, digest_id, now=now)
            self._claimed.discard((feeds, slot))
            built[slot] = await self._load(winner, digests)
        return built

    async def _renew(self, feeds: FeedSet, slots: Sequence[dt.datetime]) -> None:
        """Keep the claims alive while the digest is built (cancelled when it is)."""
        held = list(slots)
        while held:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            until = self.clock() + self.lease
            for slot in list(held):
                if not await self.storage.renew_build(feeds, slot, owner=self.owner, until=until):
                    held.remove(slot)
                    log.warning(
                        "the build of %d feed(s) for %s was taken over by another process",
                        len(feeds),
                        slot.isoformat(),
                    )

    async def _load(self, digest_id: int, digests: dict[int, Digest]) -> Built:
        digest = digests.get(digest_id)
        if digest is None:
            found = await self.storage.digest(digest_id)
            assert found is not None  # builds.digest_id references a stored digest
            digest = digests[digest_id] = found
        return digest_id, digest


def _claimable(row: Build, now: dt.datetime) -> bool:
    """Not built, and nobody's claim is running."""
    return row.digest_id is None and (row.claimed_until is None or row.claimed_until <= now)

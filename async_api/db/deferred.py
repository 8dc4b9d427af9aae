"""Writes held back until the thread's next transaction on one engine.

A conductor runs a flow in one thread, and TaskFlow saves an atom's new
state just before it tells the listeners about it. Committing the save
on its own and then the report (the task row and the step event) cost
two transactions per step transition. Inside :func:`holding`, the flow's
saves are instead put here, and the report's transaction runs it first:
one transaction per transition, and the save is fenced by the report's
claim check, so a conductor that lost the task writes neither.

Nothing runs between a save and its notification but TaskFlow's own
bookkeeping (no step code, no other I/O), so holding the save that long
changes nothing for a crash: before the commit neither is recorded,
after it both are. The reporter holds its own reports of quiet
transitions the same way (see
:attr:`async_api.conductor.listeners.TaskReporter.holds_quiet_transitions`).

What is held is written first, in the order it was held, by the next
report (:func:`async_api.db.tasks.report`) and by any other read or write
of the persistence backend from the thread; whatever is still held when
a run ends is written in one last transaction on leaving
:func:`holding`. Other writes (a node's state, say) do not wait for it.

Entries are keyed: a later entry with the same key replaces the earlier
one (a save overwrites the whole row, so only the last counts).
"""

import collections
import contextlib
import itertools
import threading

_local = threading.local()
# Keys of the writes steps hand over (hold()): each its own entry.
_STEP_WRITES = itertools.count()


class _Held:
    """What one thread holds for one engine."""

    def __init__(self, engine):
        self.engine = engine
        self.entries = collections.OrderedDict()

    def put(self, key, write, on_commit, keep_place):
        if not keep_place:
            self.entries.pop(key, None)
        self.entries[key] = (write, on_commit)


def _held(engine):
    held = getattr(_local, 'held', None)
    if held is not None and held.engine is engine:
        return held
    return None


def is_holding(engine):
    """Whether this thread holds writes for ``engine`` now."""
    return _held(engine) is not None


def put(engine, key, write, on_commit=None, keep_place=False):
    """Hold ``write(connection)`` for this thread's next transaction.

    :param key: an entry with the same key is replaced.
    :param keep_place: the replacement runs where the entry it replaces
        would have (before entries held since), not last. For a write
        that others depend on, such as one inserting rows they update.
    :returns: False (nothing held) when this thread is not inside
        :func:`holding` for ``engine``: the caller writes at once.
    """
    held = _held(engine)
    if held is None:
        return False
    held.put(key, write, on_commit, keep_place)
    return True


def hold(engine, write):
    """Hold a step's ``write(connection)`` (see
    :func:`async_api.conductor.deadlines.hold_write`), or write it now.

    Called in the thread that waits for the step: it holds writes for its
    run while the run lasts. Should it no longer, the write is made at
    once in a transaction of its own rather than lost.
    """
    if not put(engine, ('step-write', next(_STEP_WRITES)), write):
        with engine.begin() as conn:
            write(conn)


def drop(engine, key):
    """Forget the write held under ``key``, if it is still held."""
    held = _held(engine)
    if held is not None:
        held.entries.pop(key, None)


def is_held(engine, key):
    """Whether this thread holds a write under ``key`` for ``engine``."""
    held = _held(engine)
    return held is not None and key in held.entries


def has_held(engine):
    """Whether this thread holds any write for ``engine`` now."""
    held = _held(engine)
    return held is not None and bool(held.entries)


def held_writes(engine):
    """What this thread holds for ``engine``: ``(key, write)``, in order."""
    held = _held(engine)
    if held is None:
        return []
    return [(key, write) for key, (write, _c) in held.entries.items()]


def write_held(conn, engine, absorbed=()):
    """Run what this thread holds for ``engine`` on ``conn``.

    Call at the start of a transaction. Returns a callable to call once
    that transaction has committed (it forgets what was written); if the
    transaction fails instead, everything stays held for the next one.

    :param absorbed: keys of held writes the caller makes itself in this
        transaction (merged into its own): not run here, forgotten with
        the rest on commit.
    """
    held = _held(engine)
    if held is None or not held.entries:
        return _nothing
    entries = list(held.entries.items())
    for key, (write, _on_commit) in entries:
        if key not in absorbed:
            write(conn)

    def committed():
        for key, (write, on_commit) in entries:
            if held.entries.get(key, (None,))[0] is write:
                del held.entries[key]
            if on_commit is not None:
                on_commit()
    return committed


def _nothing():
    pass


def discard(engine):
    """Drop what this thread holds for ``engine`` (its run was fenced off)."""
    held = _held(engine)
    if held is not None:
        held.entries.clear()


@contextlib.contextmanager
def holding(engine):
    """Hold this thread's atom saves on ``engine`` until its next write.

    On leaving, whatever is still held is written in one transaction
    (unless :func:`discard` dropped it); a failure to write it is raised.
    Not reentrant: one run per thread at a time.
    """
    if getattr(_local, 'held', None) is not None:
        raise RuntimeError('This thread already holds writes')
    held = _local.held = _Held(engine)
    try:
        yield
    finally:
        _local.held = None
    if held.entries:
        _local.held = held
        try:
            with engine.begin() as conn:
                committed = write_held(conn, engine)
            committed()
        finally:
            _local.held = None

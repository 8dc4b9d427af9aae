"""The TaskFlow action engines a conductor runs flows with.

TaskFlow's own serial and parallel engines, with two costs of their
bookkeeping taken out; what they do is unchanged.
"""

import threading

from taskflow.engines.action_engine import engine as action_engine


class _StorageLock:
    """One re-entrant lock for a storage's readers and writers.

    TaskFlow's storage takes a read or write lock (fasteners'
    ``ReaderWriterLock``) around every call, about 200 of them in a power
    run, at about 2.3 us each against 0.2 us for a plain ``RLock``. Its
    readers never run at once in a conductor: a run's storage is used by
    the run's engine thread, and from another thread only to suspend the
    run or, on the parallel engine, to save a step's progress, both
    writes that exclude readers anyway. Re-entrant, as TaskFlow's lock is
    for its holder.
    """

    __slots__ = ('_lock',)

    def __init__(self):
        self._lock = threading.RLock()

    def read_lock(self):
        return self._lock

    def write_lock(self):
        return self._lock


class _Engine:
    """What the conductor's engines change of TaskFlow's."""

    def validate(self):
        # TaskFlow's conductor validates the engine, then run_iter()
        # validates it again (every atom's arguments against the
        # storage, a few percent of a run's CPU). Nothing changes the
        # storage in between.
        if not self._validated:
            super().validate()


class SerialEngine(_Engine, action_engine.SerialActionEngine):
    pass


class ParallelEngine(_Engine, action_engine.ParallelActionEngine):
    pass


def load(flow, flow_detail, backend, kind, options):
    """An engine of ``kind`` (``serial`` or ``parallel``) for ``flow``."""
    if kind == 'parallel':
        engine = ParallelEngine(flow, flow_detail, backend, options)
    elif kind == 'serial':
        engine = SerialEngine(flow, flow_detail, backend, options)
    else:
        raise ValueError('Unknown engine %r (serial or parallel)' % kind)
    # Made here, before any use: TaskFlow's decorators and the engine's
    # builder look the lock up on every call.
    engine.storage._lock = _StorageLock()
    return engine

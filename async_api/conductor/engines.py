"""The TaskFlow action engines a conductor runs flows with.

TaskFlow's own serial and parallel engines, with three costs of their
bookkeeping taken out; what they do is unchanged.
"""

import threading

from taskflow.engines.action_engine import engine as action_engine
from taskflow import exceptions as tf_exc
from taskflow import storage as tf_storage


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


def _retried_once_failed(name):
    """``Storage.<name>``, a save: first as written, and through TaskFlow's
    retrying wrapper (looked up at each failure) only if that fails."""
    plain = getattr(tf_storage.Storage, name).__wrapped__

    def save(self, conn, original_detail, detail):
        try:
            return plain(self, conn, original_detail, detail)
        except tf_exc.StorageFailure:
            retrying = getattr(tf_storage.Storage, name)
            return retrying(self, conn, original_detail, detail)
    save.__name__ = name
    return save


class _Storage(tf_storage.Storage):
    """TaskFlow's storage, whose saves take up its retries only on failure.

    TaskFlow wraps each save of a flow or an atom in a tenacity retry
    (three attempts, 5 s apart, on StorageFailure), and each call builds
    its own retrying object: about a dozen objects in reference cycles,
    some 15 us, for each of the 16 saves of a power run; a third of the
    garbage a run leaves for the cyclic collector. Here a save runs as
    written first, and a save that fails goes through TaskFlow's retrying
    one (so a failing backend gets one immediate attempt more, then
    TaskFlow's).
    """

    _save_flow_detail = _retried_once_failed('_save_flow_detail')
    _save_atom_detail = _retried_once_failed('_save_atom_detail')


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
    # builder look the lock up on every call. The engine builds its
    # storage itself, as a Storage: the subclass only overrides methods.
    storage = engine.storage
    storage._lock = _StorageLock()
    storage.__class__ = _Storage
    return engine

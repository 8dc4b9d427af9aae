"""Which atom saves only record TaskFlow's own progress markers.

TaskFlow's engine saves every task twice per transition: the state (and
result), then ``meta['progress']``, 0.0 when the task starts or starts
reverting and 1.0 when it has finished either. That second save carries
nothing a resumed flow needs: resumption works from the atom's state
(saved, committed, by the first save), the engine sets progress again
whenever it runs or reverts the task, and nothing reads a stored
progress. :class:`SavedAtoms` remembers what this process last wrote for
each atom, so that a save differing from it only by such a marker can be
left out; the marker is then written with the atom's next save, if any.

A task reporting its own progress (any other value, or with details) is
saved as before.
"""

import collections
import threading

PROGRESS = 'progress'
_MARKERS = (0.0, 1.0)


def _without_progress(meta):
    meta = dict(meta or {})
    meta.pop(PROGRESS, None)
    return meta


class SavedAtoms:
    """What this process last wrote per atom uuid (bounded, LRU).

    Only a hint: a forgotten atom (or one written elsewhere since) is
    simply saved again.
    """

    def __init__(self, size=4096):
        self._size = size
        self._rows = collections.OrderedDict()
        self._lock = threading.Lock()

    def marker_only(self, uuid, params):
        """Whether ``params`` differ from the last write at most by a marker.

        True also when they do not differ at all (a flow save rewrites
        every atom of the flow, changed or not).
        """
        with self._lock:
            last = self._rows.get(uuid)
        if last is None:
            return False
        for key, value in params.items():
            if key != 'meta' and value != last.get(key):
                return False
        meta, last_meta = params.get('meta') or {}, last['meta']
        if meta == last_meta:
            return True
        return (meta.get(PROGRESS, 0.0) in _MARKERS
                and _without_progress(meta) == _without_progress(last_meta))

    def knows(self, uuids):
        """Whether this process remembers writing every one of ``uuids``."""
        with self._lock:
            return all(uuid in self._rows for uuid in uuids)

    def saved(self, uuid, params):
        """Record a committed write of ``params``."""
        # meta is the detail's own dict, changed in place later: copy it.
        row = dict(params, meta=dict(params.get('meta') or {}))
        with self._lock:
            self._rows[uuid] = row
            self._rows.move_to_end(uuid)
            while len(self._rows) > self._size:
                self._rows.popitem(last=False)

    def forget(self, uuids=None):
        """Forget some atoms (written another way), or all of them."""
        with self._lock:
            if uuids is None:
                self._rows.clear()
            for uuid in uuids or ():
                self._rows.pop(uuid, None)

"""In-process wake-ups for :meth:`SQLAlchemyJobBoard.wait`.

Boards of other processes are seen by polling the table. In the embedded
deployment the API and the conductors share one process, so a post made
there wakes waiting boards of that process at once instead of after a poll
interval. Boards meet on a channel keyed by (database URL, board path).
"""

import threading
import time

_LOCK = threading.Lock()
_CHANNELS = {}


class Channel:
    """A generation counter with a condition to wait for it to change."""

    def __init__(self):
        self._cond = threading.Condition()
        self.generation = 0
        self._last_poll = None

    def poll_due(self, interval):
        """Whether the caller should read the table now (and it will).

        The idle boards of a process share one poll per ``interval``:
        each one polling on its own cost a query per worker per
        interval (9 % of a core with 64 idle workers on SQLite) and
        found the jobs no sooner. The poller that finds jobs wakes
        others (:meth:`wake`).
        """
        now = time.monotonic()
        with self._cond:
            if (self._last_poll is not None
                    and now - self._last_poll < interval):
                return False
            self._last_poll = now
            return True

    def wake(self, count):
        """Wake up to ``count`` waiters: a poll found jobs for them."""
        if count < 1:
            return
        with self._cond:
            self.generation += 1
            self._cond.notify(count)

    def notify(self):
        """Record a post and wake one waiter.

        One post is one job: waking every idle conductor of the process
        made each of them list the board and all but one lose the claim,
        a herd that grows with the workers. The others still poll.
        """
        with self._cond:
            self.generation += 1
            self._cond.notify()

    def wait(self, generation, timeout):
        """Sleep up to ``timeout`` s unless a post came after ``generation``.

        Taking ``generation`` before looking at the table means a post that
        lands between the look and the sleep is not missed.
        """
        with self._cond:
            if self.generation == generation:
                self._cond.wait(timeout)
            return self.generation != generation


def channel(url, path):
    """The process-wide channel of one board path on one database."""
    key = (url, path)
    with _LOCK:
        chan = _CHANNELS.get(key)
        if chan is None:
            chan = _CHANNELS[key] = Channel()
        return chan

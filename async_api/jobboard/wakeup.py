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
    """Wake-ups handed to waiters one by one, and a shared poll clock.

    A wake-up is a permit that one waiter takes: a waiter whose sleep
    ran out without one was not woken, even if others were meanwhile.
    (A generation counter that every waiter compared made each idle
    worker whose timeout ran out during a burst of posts read the table:
    about 16 reads of the board per task with 64 workers, a tenth of
    the service's CPU.)
    """

    def __init__(self):
        self._cond = threading.Condition()
        self._permits = 0
        self._waiting = 0
        self._last_poll = None
        self._poller = False
        self._interrupts = 0

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

    def take_poll(self):
        """Become the one idle board that polls; False if one does.

        Only the poller wakes every poll interval; the other idle boards
        sleep until a wake-up (a post, a poll that found jobs for them,
        the poller leaving) or their timeout. Each of 128 idle workers
        waking twice a second to learn that another one polled cost 2 %
        of a core on an idle service.
        """
        with self._cond:
            if self._poller:
                return False
            self._poller = True
            return True

    def release_poll(self):
        """Stop polling (see :meth:`take_poll`); a sleeper takes over."""
        with self._cond:
            self._poller = False
            # Woken without a permit, it finds no wake-up for itself,
            # looks whether a poll is due and takes the role.
            self._cond.notify(1)

    @property
    def interrupts(self):
        """How many times :meth:`interrupt` was called."""
        return self._interrupts

    def interrupt(self):
        """Wake every sleeper without a permit (a service stopping)."""
        with self._cond:
            self._interrupts += 1
            self._cond.notify_all()

    def _give(self, count):
        # No more permits than waiters, plus one for a board between its
        # look at the table and its sleep (it takes that one at once):
        # permits left for nobody would only make empty reads later.
        self._permits = min(self._permits + count, self._waiting + 1)
        self._cond.notify(count)

    def wake(self, count):
        """Wake up to ``count`` waiters: a poll found jobs for them."""
        if count < 1:
            return
        with self._cond:
            self._give(count)

    def notify(self):
        """Record a post and wake one waiter.

        One post is one job: waking every idle conductor of the process
        made each of them list the board and all but one lose the claim,
        a herd that grows with the workers. The others still poll.
        """
        with self._cond:
            self._give(1)

    def wait(self, timeout, since=None):
        """Sleep up to ``timeout`` s (None: until woken); True if a
        wake-up was taken.

        A post that lands between the caller's look at the table and this
        sleep left a permit, so it is not missed; nor is an interrupt made
        since the caller read :attr:`interrupts` (``since``): it returns
        at once.
        """
        with self._cond:
            if since is not None and since != self._interrupts:
                return False
            if not self._permits:
                self._waiting += 1
                try:
                    self._cond.wait(timeout)
                finally:
                    self._waiting -= 1
            if self._permits:
                self._permits -= 1
                return True
            return False


def channel(url, path):
    """The process-wide channel of one board path on one database."""
    key = (url, path)
    with _LOCK:
        chan = _CHANNELS.get(key)
        if chan is None:
            chan = _CHANNELS[key] = Channel()
        return chan

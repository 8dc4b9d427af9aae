"""The sender: hands outbox rows to the notification bus, in order.

One sender at a time, across every process on the database, holds the
outbox's lease (:func:`async_api.db.outbox.take_lease`) and sends: it
reads the oldest rows, sends each and deletes it once sent. Sending
every row in ``id`` order from one place keeps each task's notifications
in order (a task's rows are written in the order its transactions
commit, see :class:`async_api.db.models.Notification`) even when several
conductors run the task in turn. A sender that dies leaves its lease to
expire; another takes over and sends what is left, from the oldest.

At least once: a row is deleted only after its send returned, so a
sender that dies between the two sends that row again after the
takeover.

Bounded: a send runs in a thread of its own and counts as failed after
``[async_api_notifications]send_timeout``. A failed send is logged, the
row kept, and the sender tries again after ``retry_interval``, from that
row, so that nothing after it overtakes it. The tasks never wait on any
of this: they only wrote rows.
"""

import datetime
import threading

import futurist
from oslo_log import log
from oslo_utils import timeutils

from async_api.db import engine as db_engine
from async_api.db import outbox

LOG = log.getLogger(__name__)

#: Seconds a woken sender waits before it reads, so that the transaction
#: that woke it (still committing) is seen.
WAKE_DELAY = 0.05


class Sender:
    """The sending thread of one process.

    :param conf: a ``ConfigOpts`` with ``[async_api_notifications]``.
    :param publisher: a :class:`~.publisher.Publisher`.
    :param owner: this sender's unique name (the lease's owner).
    """

    def __init__(self, conf, publisher, owner):
        group = conf.async_api_notifications
        self.send_timeout = group.send_timeout
        self.poll_interval = group.poll_interval
        self.retry_interval = group.retry_interval
        self.batch_size = group.batch_size
        # Long enough for a batch to be worked through between renewals.
        self.lease = max(3 * self.send_timeout, 10 * self.poll_interval)
        self.publisher = publisher
        self.owner = owner
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = None
        self._lease_until = None
        self._executor = None
        self._inflight = None
        self._failing = False

    # Lifecycle ----------------------------------------------------------

    def start(self):
        if self._thread is not None:
            return
        self._stop.clear()
        # One send at a time, in its own thread so that it can be timed
        # out; a send that overran keeps it until it returns.
        self._executor = futurist.ThreadPoolExecutor(max_workers=1)
        self._thread = threading.Thread(target=self._run,
                                        name='notification-sender',
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout=None):
        """Stop after the current send; give the lease up."""
        if self._thread is None:
            return
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        self._thread = None
        self._executor.shutdown(wait=False)
        self._executor = None
        try:
            self.publisher.cleanup()
        except Exception as e:
            LOG.warning('Could not close the notification transport: %s', e)
        if self._lease_until is not None:
            try:
                outbox.release_lease(db_engine.current().engine, self.owner)
            except Exception as e:
                LOG.warning('Could not give up the notification sender '
                            'lease: %s', e)
            self._lease_until = None

    def wake(self):
        """Rows were written: look soon rather than at the next poll."""
        self._wake.set()

    # The loop -----------------------------------------------------------

    def _run(self):
        while not self._stop.is_set():
            try:
                busy = self._round()
            except Exception:
                LOG.exception('The notification sender failed; trying '
                              'again in %.1f s', self.retry_interval)
                busy = False
                self._stop.wait(self.retry_interval)
            if busy or self._stop.is_set():
                continue
            if self._wake.wait(self.poll_interval):
                self._wake.clear()
                self._stop.wait(WAKE_DELAY)

    def _hold_lease(self, bind):
        """Take or renew the lease when less than a send's time is left."""
        now = timeutils.utcnow()
        if (self._lease_until is not None
                and (self._lease_until - now).total_seconds()
                > 2 * self.send_timeout):
            return True
        until = now + datetime.timedelta(seconds=self.lease)
        if outbox.take_lease(bind, self.owner, now, until):
            self._lease_until = until
            return True
        self._lease_until = None
        return False

    def _round(self):
        """Send one batch; True if there may be more at once."""
        if self._inflight is not None and not self._inflight.done():
            # A send that overran is still stuck in the bus: nothing
            # overtakes it.
            return False
        bind = db_engine.current().engine
        if not self._hold_lease(bind):
            return False
        rows = outbox.pending(bind, self.batch_size)
        for row in rows:
            if self._stop.is_set() or not self._hold_lease(bind):
                return False
            error = self._send(row)
            if error is not None:
                LOG.warning('Could not send notification %s (%s of task '
                            '%s): %s; it is kept and sent again in %.1f s',
                            row['id'], row['event_type'], row['task_uuid'],
                            error, self.retry_interval)
                self._failing = True
                self._stop.wait(self.retry_interval)
                return False
            if self._failing:
                LOG.info('Notifications are sent again')
                self._failing = False
            outbox.delete(bind, row['id'])
        return len(rows) == self.batch_size

    def _send(self, row):
        """Send one row within the timeout; None, or what went wrong."""
        self._inflight = self._executor.submit(
            self.publisher.send, row['publisher_id'], row['event_type'],
            row['priority'], row['payload'])
        try:
            self._inflight.result(timeout=self.send_timeout)
        except futurist.TimeoutError:
            return 'no answer within %.1f s' % self.send_timeout
        except Exception as e:
            return '%s: %s' % (type(e).__name__, e)
        return None

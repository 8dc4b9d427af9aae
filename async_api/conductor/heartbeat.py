"""Keep the claims of running jobs alive, and notice when one is lost.

TaskFlow's conductors claim a job once and never renew it; on a board
whose claims are leases (async_api's SQL board, Redis with an expiry) a
long flow would lose its job to another conductor while still running, and
the same step would run twice. One :class:`ClaimKeeper` thread per service
renews every running job's claim through ``job.extend_expiry(expiry)``
(the SQL board fences it with the claim's epoch; on Redis it re-arms the
owner key's ``PEXPIRE``; on etcd it refreshes the claim's lease, whose TTL
was fixed at claim time) and, where the renewal is not fenced, checks
``board.find_owner(job)``. ZooKeeper's boards have no ``extend_expiry``:
the claim lives as long as the conductor's session, which the client keeps
alive, so the keeper only checks the owner.

A claim is *lost* when the board says so (the renewal was fenced off, the
job is gone or owned by someone else) or when no renewal succeeded for a
whole lease. The keeper then suspends the engine, which stops at the next
step boundary, and the task reporter stops writing: the new owner resumes
the flow and reports from then on.
"""

import threading
import time

from oslo_log import log
from taskflow import exceptions as tf_exc

from async_api.jobboard import exceptions as board_exc

LOG = log.getLogger(__name__)


class Claim:
    """One running job's claim, as watched by a :class:`ClaimKeeper`."""

    def __init__(self, job, board, owner, engine=None):
        self.job = job
        self.board = board
        self.owner = owner
        self.engine = engine
        self.last_renewed = time.monotonic()
        self._lost = threading.Event()

    @property
    def lost(self):
        return self._lost.is_set()

    def mark_lost(self, reason):
        if self._lost.is_set():
            return
        self._lost.set()
        LOG.warning('Lost the claim of %s on job %s (%s): suspending its '
                    'engine', self.owner, self.job.uuid, reason)
        if self.engine is not None:
            try:
                self.engine.suspend()
            except Exception:
                LOG.exception('Could not suspend the engine of job %s',
                              self.job.uuid)


class ClaimKeeper:
    """Renews watched claims every ``interval`` s with ``expiry`` leases."""

    def __init__(self, expiry, interval=None):
        self.expiry = float(expiry)
        self.interval = float(interval or self.expiry / 3.0)
        self._claims = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None

    def start(self):
        with self._lock:
            if self._thread is not None:
                return
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._run, name='async-api-claim-keeper', daemon=True)
            self._thread.start()

    def stop(self):
        with self._lock:
            thread, self._thread = self._thread, None
        self._stop.set()
        if thread is not None:
            thread.join()

    def watch(self, job, board, owner, engine=None):
        """Start renewing ``job``'s claim; returns its :class:`Claim`."""
        claim = Claim(job, board, owner, engine)
        with self._lock:
            self._claims[id(claim)] = claim
        return claim

    def release(self, claim):
        """Stop renewing (the job is done, abandoned or lost)."""
        with self._lock:
            self._claims.pop(id(claim), None)

    def claims(self):
        """The claims being watched."""
        with self._lock:
            return list(self._claims.values())

    def _run(self):
        while not self._stop.wait(self.interval):
            self.renew_all()

    def renew_all(self):
        """Renew each watched claim once."""
        with self._lock:
            claims = list(self._claims.values())
        for claim in claims:
            if not claim.lost:
                self.renew(claim)

    def renew(self, claim):
        """Renew one claim; marks it lost when the board refuses."""
        job = claim.job
        try:
            extend = getattr(job, 'extend_expiry', None)
            if extend is not None and extend(self.expiry) is False:
                claim.mark_lost('the board refused to extend the claim')
                return
            # A fenced renewal (the SQL board's jobs carry an epoch) is
            # proof enough; otherwise ask who owns the job.
            if extend is None or getattr(job, 'epoch', None) is None:
                owner = claim.board.find_owner(job)
                if owner != claim.owner:
                    claim.mark_lost('the job is owned by %s' % owner)
                    return
        except tf_exc.NotFound as e:
            claim.mark_lost('the job is gone: %s' % e)
        except board_exc.StaleClaim as e:
            claim.mark_lost(str(e))
        except Exception as e:
            # The board is unreachable (JobFailure, or a client's own error
            # where a board does not translate it): the lease may still be
            # saved, until a whole lease went by without a renewal.
            self._renewal_failed(claim, e)
        else:
            claim.last_renewed = time.monotonic()

    def _renewal_failed(self, claim, error):
        if time.monotonic() - claim.last_renewed > self.expiry:
            claim.mark_lost('no renewal succeeded for %.1f s: %s'
                            % (self.expiry, error))
            return
        if isinstance(error, tf_exc.JobFailure):
            LOG.warning('Could not renew the claim on job %s, will retry: '
                        '%s', claim.job.uuid, error)
        else:
            LOG.warning('Unexpected error renewing the claim on job %s, '
                        'will retry', claim.job.uuid, exc_info=True)

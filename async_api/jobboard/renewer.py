"""Keeps the leases of claims made through one board alive.

TaskFlow's conductors claim without an expiry and never renew, yet a claim
here is a lease that lapses. So a board renews, from a daemon thread, every
claim it made with the board's default expiry until that job is consumed,
abandoned or trashed. If the process dies the renewals stop and the leases
lapse within ``claim_expiry`` seconds: the same liveness rule as ZooKeeper's
ephemeral claims. Claims made with an explicit ``expiry`` are the caller's
to renew (``job.extend_expiry``), as on TaskFlow's Redis board.
"""

import logging
import threading

from taskflow import exceptions as excp

from async_api.jobboard import exceptions

LOG = logging.getLogger(__name__)


class LeaseKeeper:
    """Calls ``renew(job, expiry)`` for held jobs every ``interval`` s."""

    def __init__(self, renew, interval, name='jobboard-lease-keeper'):
        self._renew = renew
        self._interval = interval
        self._name = name
        self._held = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None

    def hold(self, job, expiry):
        """Keep renewing ``job``'s claim with ``expiry`` seconds leases."""
        with self._lock:
            self._held[job.uuid] = (job, expiry)
            if self._thread is None:
                # Started on first claim: boards that only post or list
                # never pay for a thread.
                self._stop.clear()
                self._thread = threading.Thread(target=self._run,
                                                name=self._name,
                                                daemon=True)
                self._thread.start()

    def release(self, job):
        """Stop renewing ``job`` (it was consumed, abandoned or trashed)."""
        with self._lock:
            self._held.pop(job.uuid, None)

    def held(self):
        """UUIDs of the jobs being renewed."""
        with self._lock:
            return set(self._held)

    def stop(self):
        """Stop the thread and forget every held claim."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._held.clear()
        self._stop.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _run(self):
        while not self._stop.wait(self._interval):
            self.renew_all()

    def renew_all(self):
        """Renew every held claim once; drop the ones that were lost."""
        with self._lock:
            held = list(self._held.values())
        for job, expiry in held:
            if self._stop.is_set():
                return
            try:
                self._renew(job, expiry)
            except (excp.NotFound, exceptions.StaleClaim) as e:
                # Gone or fenced off: renewing again cannot succeed.
                LOG.warning('Lost the claim on job %s: %s', job.uuid, e)
                self.release(job)
            except excp.JobFailure as e:
                # The database is unreachable: keep trying, the lease may
                # still be saved before it lapses.
                LOG.warning('Could not renew the claim on job %s: %s',
                            job.uuid, e)
            except Exception:
                LOG.exception('Unexpected error renewing job %s', job.uuid)

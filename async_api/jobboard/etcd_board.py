"""TaskFlow's etcd jobboard, made fit for conductors that may die.

:func:`async_api.jobboard.factory.open_board` opens :class:`EtcdBoard`
instead of TaskFlow's own class for ``[async_api_jobboard]backend =
etcd``. Claims are keys bound to a lease of ``ttl`` seconds (TaskFlow's
own design); the conductor's claim keeper refreshes the lease. What is
fixed here: etcd3gw's and requests' errors escape TaskFlow's board
untouched, and a TaskFlow conductor that sees anything but ``JobFailure``
while looking for jobs dies, so every call translates them. The board
keeps no watch stream: TaskFlow's stops silently when etcd restarts (its
cache then misses new jobs for up to 30 s) and runs in a non-daemon thread
that keeps a stopping process alive. The job listing is read from etcd on
every look instead (one range read, a few hundred bytes per job), as often
as conductors poll.
"""

import contextlib
import functools
import time

import etcd3gw
import fasteners
from oslo_log import log
from oslo_utils import timeutils
import requests
from taskflow import exceptions as tf_exc
from taskflow.jobs.backends import impl_etcd
from taskflow.jobs import base

LOG = log.getLogger(__name__)


_ETCD_ERRORS = (etcd3gw.exceptions.Etcd3Exception,
                requests.RequestException, OSError)


@contextlib.contextmanager
def _etcd_failures():
    try:
        yield
    except _ETCD_ERRORS as e:
        raise tf_exc.JobFailure('etcd cannot be reached: %s' % e, cause=e)


def _translated(method):
    @functools.wraps(method)
    def call(*args, **kwargs):
        with _etcd_failures():
            return method(*args, **kwargs)
    return call


class EtcdBoard(impl_etcd.EtcdJobBoard):
    """TaskFlow's etcd board that reports outages as ``JobFailure``."""

    def _fetch_jobs(self, only_unclaimed=False, ensure_fresh=False):
        # Always fresh: see the module's docstring.
        with _etcd_failures():
            return super()._fetch_jobs(only_unclaimed=only_unclaimed,
                                       ensure_fresh=True)

    def claim(self, job, who, expiry=None):
        with _etcd_failures():
            super().claim(job, who, expiry=expiry)
        # EtcdJob caches its lease; a job claimed again by this board (after
        # an abandon) must renew the new lease, not the revoked one.
        job._lease = None

    post = _translated(impl_etcd.EtcdJobBoard.post)
    consume = _translated(impl_etcd.EtcdJobBoard.consume)
    abandon = _translated(impl_etcd.EtcdJobBoard.abandon)
    trash = _translated(impl_etcd.EtcdJobBoard.trash)
    find_owner = _translated(impl_etcd.EtcdJobBoard.find_owner)
    get_owner_and_data = _translated(
        impl_etcd.EtcdJobBoard.get_owner_and_data)

    @fasteners.locked(lock='_open_close_lock')
    def connect(self):
        if self._client is not None:
            return
        options = {key: kind(self._conf[key])
                   for key, kind in self.ETCD_CONFIG_OPTIONS
                   if key in self._conf}
        client = etcd3gw.Etcd3Client(**options)
        with _etcd_failures():
            # Fail now, not at the first post or claim.
            client.status()
        self._client = client
        self._state = self.CONNECTED_STATE

    @fasteners.locked(lock='_open_close_lock')
    def close(self):
        client, self._client = self._client, None
        self._state = self.INIT_STATE
        with self._job_cond:
            self._job_cache.clear()
        if client is not None:
            try:
                client.session.close()
            except Exception:
                LOG.debug('Closing the etcd session failed', exc_info=True)

    def wait(self, timeout=None):
        """Wait until the board lists a job, polling it."""
        interval = float(self._conf.get('wait_interval', 0.5))
        watch = timeutils.StopWatch(duration=timeout)
        watch.start()
        while True:
            jobs = self._fetch_jobs()
            if jobs:
                return base.JobBoardIterator(
                    self, LOG, board_fetch_func=lambda ensure_fresh: jobs,
                    board_removal_func=self._board_removal_func)
            if watch.expired():
                raise tf_exc.NotFound('Expired waiting for jobs to arrive; '
                                      'waited %s seconds' % watch.elapsed())
            left = watch.leftover(return_none=True)
            time.sleep(interval if left is None else min(interval, left))

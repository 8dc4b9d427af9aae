"""Periodic work of a conductor process.

:class:`PeriodicRunner` runs functions at fixed spacings on one thread
of its own (futurist's periodic worker), so periodic work never takes a
thread a task needs, and a failing run is logged and tried again next
time. The library's own periodic work is the purge of expired
idempotency keys (``[async_api_idempotency]purge_interval``), the check
for cancels of the tasks this process runs
(``[async_api_conductor]cancel_poll_interval``) and the purge of old
finished tasks (``[async_api_retention]``); a service
adds its own by handing the conductor service objects with ``start()``
and ``stop()`` (``periodic_tasks``), such as another runner.
"""

import threading

from futurist import periodics
from oslo_log import log

from async_api.db import cancels as db_cancels
from async_api.idempotency import store
from async_api.tasks import boundary
from async_api.tasks import cancel
from async_api.tasks import retention

LOG = log.getLogger(__name__)


class PeriodicRunner:
    """Run ``(spacing, function)`` pairs; a spacing of 0 disables one."""

    def __init__(self, callables=()):
        self._callables = list(callables)
        self._worker = None
        self._thread = None

    def add(self, spacing, function):
        self._callables.append((spacing, function))

    def start(self):
        """Start the worker's thread (no-op when there is nothing to run)."""
        wanted = [(_periodic(spacing, function), (), {})
                  for spacing, function in self._callables if spacing]
        if self._worker is not None or not wanted:
            return
        self._worker = periodics.PeriodicWorker(wanted)
        # A thread of its own, not a pool of one: an idle pool thread
        # notices a shutdown only after a second, and a service stopping
        # its runners one after the other waited that long for each.
        self._thread = threading.Thread(target=self._worker.start,
                                        name='async-api-periodic',
                                        daemon=True)
        self._thread.start()

    def stop(self):
        """Stop the worker and wait for a run in progress to end."""
        if self._worker is None:
            return
        self._worker.stop()
        self._worker.wait()
        self._thread.join()
        self._worker = self._thread = None


def purge_idempotency_keys():
    """Delete expired idempotency keys; returns how many."""
    purged = store.purge_expired()
    if purged:
        LOG.info('Purged %d expired idempotency key(s)', purged)
    return purged


def poll_cancels():
    """Tell this process's runs of cancelled tasks to stop; how many.

    One read for all the tasks this process runs. Step starts learn of a
    cancel on their own; this is for steps that poll
    :func:`async_api.tasks.boundary.check_cancel` while they wait.
    """
    stopped = 0
    for task_uuid in db_cancels.cancel_requested_among(
            boundary.running_tasks()):
        details = db_cancels.cancel_details(task_uuid)
        if boundary.stop(task_uuid, cancel.message(details)):
            stopped += 1
    return stopped


def purge_tasks(conf):
    """Delete finished tasks past ``[async_api_retention]task_ttl_days``."""
    group = conf.async_api_retention
    if not group.task_ttl_days:
        return 0
    return retention.purge_tasks(group.task_ttl_days,
                                 batch_size=group.purge_batch_size)


def library_periodics(conf):
    """The library's own periodic work, as a :class:`PeriodicRunner`."""
    retention_group = conf.async_api_retention
    purge_spacing = (retention_group.purge_interval
                     if retention_group.task_ttl_days else 0)

    def purge_old_tasks():
        return purge_tasks(conf)

    return PeriodicRunner([
        (conf.async_api_idempotency.purge_interval, purge_idempotency_keys),
        (conf.async_api_conductor.cancel_poll_interval, poll_cancels),
        (purge_spacing, purge_old_tasks),
    ])


def _periodic(spacing, function):
    # futurist marks the function itself; a bound method cannot be marked.
    # Not at once: a conductor that just started runs its tasks first.
    @periodics.periodic(spacing, run_immediately=False)
    def run():
        try:
            function()
        except Exception:
            # A database outage must not end the worker: next time.
            LOG.exception('Periodic task %s failed', function.__name__)
    run.__name__ = function.__name__
    return run

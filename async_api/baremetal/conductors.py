"""The bare-metal service's conductors: the library's conductor service
with the service's own periodic sweeps, as both commands that run
conductors (``async-api-all``, ``async-api-conductor``) start and stop it.
"""

from oslo_log import log

import async_api
from async_api.baremetal.command import signals
from async_api.baremetal import periodics

LOG = log.getLogger(__name__)


def build(conf):
    """``[async_api_conductor]workers`` conductors, not started yet."""
    return async_api.ConductorService(
        conf, workers=conf.async_api_conductor.workers, host=conf.host,
        periodic_tasks=[periodics.PeriodicTasks(conf)])


def start(conf):
    """Start ``[async_api_conductor]workers`` conductors; returns them."""
    conductors = build(conf)
    conductors.start()
    return conductors


def stop(conductors):
    """Drain, then exit at once if steps are still running.

    The drain lasts at most ``[async_api_conductor]
    graceful_shutdown_timeout``; the jobs still running by then are
    released to other conductors, and their abandoned step threads must
    not keep the process alive.
    """
    if not conductors.stop():
        LOG.warning('Exiting with steps still running; their jobs were '
                    'released to other conductors')
        signals.exit_now(0)

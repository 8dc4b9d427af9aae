"""``async-api-conductor``: claim and run jobs from the jobboard."""

import sys

from oslo_log import log

import async_api
from async_api.baremetal.command import errors
from async_api.baremetal.command import signals
from async_api.baremetal import config
from async_api.baremetal import periodics

LOG = log.getLogger(__name__)


@errors.reported('async-api-conductor')
def main(argv=None):
    conf = config.prepare(sys.argv[1:] if argv is None else argv,
                          'async-api-conductor')
    conductors = async_api.ConductorService(
        conf, workers=conf.async_api_conductor.workers, host=conf.host,
        periodic_tasks=[periodics.PeriodicTasks(conf)])
    conductors.start()
    print('async_api conductor %s is running %d workers'
          % (conf.host, conf.async_api_conductor.workers), flush=True)
    signum = signals.wait_for_stop()
    LOG.info('Signal %d received, stopping', signum)
    # Drains for at most [async_api_conductor]graceful_shutdown_timeout,
    # then releases the jobs still running to other conductors.
    if not conductors.stop():
        LOG.warning('Exiting with steps still running; their jobs were '
                    'released to other conductors')
        signals.exit_now(0)
    return 0


if __name__ == '__main__':
    sys.exit(main())

"""``async-api-conductor``: claim and run jobs from the jobboard."""

import sys

from oslo_log import log

import async_api
from async_api.baremetal.command import errors
from async_api.baremetal.command import signals
from async_api.baremetal import conductors as bm_conductors
from async_api.baremetal import config

LOG = log.getLogger(__name__)


@errors.reported('async-api-conductor')
def main(argv=None):
    conf = config.prepare(sys.argv[1:] if argv is None else argv,
                          'async-api-conductor')
    # Configured, and nothing runs yet: what the start made lives as
    # long as the process, and the collector need not walk it again.
    async_api.freeze_heap()
    conductors = bm_conductors.start(conf)
    print('async_api conductor %s is running %d workers'
          % (conf.host, conf.async_api_conductor.workers), flush=True)
    signum = signals.wait_for_stop()
    LOG.info('Signal %d received, stopping', signum)
    bm_conductors.stop(conductors)
    return 0


if __name__ == '__main__':
    sys.exit(main())

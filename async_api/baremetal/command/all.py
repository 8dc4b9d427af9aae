"""``async-api-all``: the embedded deployment in one process.

API and a pool of conductor threads share one process and, by default, one
SQLite database that holds the tasks, the jobboard and flow progress. The
database is created or upgraded on start, so a first run needs nothing.
"""

import sys

from oslo_log import log
from sqlalchemy.engine import url as sa_url

import async_api
from async_api.baremetal.api import app as api_app
from async_api.baremetal.command import errors
from async_api.baremetal.command import signals
from async_api.baremetal import conductors as bm_conductors
from async_api.baremetal import config
from async_api.baremetal.db import migration as baremetal_migration
from async_api.baremetal import wsgi_server

LOG = log.getLogger(__name__)


@errors.reported('async-api-all')
def main(argv=None):
    conf = config.prepare(sys.argv[1:] if argv is None else argv,
                          'async-api-all')
    database = async_api.setup_database(conf)
    # The library's tables first: a database of the first, shared history
    # is adopted by the library before the bare-metal schema.
    async_api.upgrade_schema(database.engine)
    baremetal_migration.upgrade(database.engine)
    # The app first: one that cannot be built (an unreadable htpasswd
    # file) must stop the process before conductor threads keep it alive.
    app = api_app.setup_app(conf)
    conductors = bm_conductors.build(conf)
    # Bound before the conductors start, for the same reason: a taken
    # port stops the process with one line. Its submissions take the
    # conductors' turns to compute: one thing computes at a time.
    server = wsgi_server.WSGIServer(
        app, conf.api.host_ip, conf.api.port, conf,
        max_concurrent_writes=conf.api.max_concurrent_writes,
        turns=conductors.turns)
    # Built, and nothing runs yet: what the start made lives as long as
    # the process, and the collector need not walk it again.
    async_api.freeze_heap()
    conductors.start()
    server.start()
    shown = sa_url.make_url(database.connection).render_as_string(
        hide_password=True)
    print('async_api is serving on http://%s:%d/ with %d conductor '
          'threads (database: %s)' % (server.host, server.port,
                                      conf.async_api_conductor.workers, shown),
          flush=True)
    signum = signals.wait_for_stop()
    LOG.info('Signal %d received, stopping', signum)
    server.stop()
    bm_conductors.stop(conductors)
    return 0


if __name__ == '__main__':
    sys.exit(main())

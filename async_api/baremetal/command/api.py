"""``async-api-api``: the API alone, in ``[api]workers`` gunicorn processes.

A deployment that brings its own server (uWSGI, mod_wsgi) serves
:func:`async_api.baremetal.api.wsgi.initialize_wsgi_app` instead.
"""

import sys

from oslo_log import log

from async_api.baremetal.api import app as api_app
from async_api.baremetal.command import errors
from async_api.baremetal import config
from async_api.baremetal import prefork_server

LOG = log.getLogger(__name__)


@errors.reported('async-api-api')
def main(argv=None):
    conf = config.prepare(sys.argv[1:] if argv is None else argv,
                          'async-api-api')

    def ready(address):
        print('async_api API is serving on http://%s:%d/ with %d worker '
              'processes' % (address[0], address[1], conf.api.workers),
              flush=True)

    prefork_server.serve(conf, 'async-api-api',
                         lambda: api_app.setup_app(conf), when_ready=ready)
    return 0


if __name__ == '__main__':
    sys.exit(main())

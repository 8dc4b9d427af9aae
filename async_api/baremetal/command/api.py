"""``async-api-api``: the API alone, on the built-in threaded server.

For production, serve :mod:`async_api.baremetal.api.wsgi` with a real
WSGI server.
"""

import sys

from oslo_log import log

from async_api.baremetal.api import app as api_app
from async_api.baremetal.command import errors
from async_api.baremetal.command import signals
from async_api.baremetal import config
from async_api.baremetal import wsgi_server

LOG = log.getLogger(__name__)


@errors.reported('async-api-api')
def main(argv=None):
    conf = config.prepare(sys.argv[1:] if argv is None else argv,
                          'async-api-api')
    server = wsgi_server.WSGIServer(api_app.setup_app(conf),
                                    conf.api.host_ip, conf.api.port)
    server.start()
    print('async_api API is serving on http://%s:%d/'
          % (server.host, server.port), flush=True)
    signum = signals.wait_for_stop()
    LOG.info('Signal %d received, stopping', signum)
    server.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())

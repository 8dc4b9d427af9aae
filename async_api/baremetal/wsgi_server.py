"""A small threaded WSGI server for the embedded deployment and tests.

Production deployments run :mod:`async_api.baremetal.api.wsgi` under a
real WSGI
server (uWSGI, gunicorn, mod_wsgi); this one needs nothing but the
standard library.
"""

import socketserver
import threading
from wsgiref import simple_server

from oslo_log import log

LOG = log.getLogger(__name__)


class _Server(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    daemon_threads = True
    # Bursts of concurrent clients would otherwise see refused connections.
    request_queue_size = 128


class _QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, fmt, *args):
        LOG.debug('%s %s', self.address_string(), fmt % args)


class WSGIServer:
    """Serve ``app`` on ``host``:``port`` (0 picks a free port)."""

    def __init__(self, app, host, port):
        self._server = simple_server.make_server(
            host, port, app, server_class=_Server,
            handler_class=_QuietHandler)
        self._thread = None

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def host(self):
        return self._server.server_address[0]

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name='wsgi-server', daemon=True)
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()

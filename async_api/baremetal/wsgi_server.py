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


_READS = frozenset(('GET', 'HEAD', 'OPTIONS'))


def bounded_writes(app, slots):
    """``app`` handling at most ``slots`` non-read requests at once.

    Fair share between accepting and running: in the embedded deployment
    the conductors share this process and its interpreter lock, and a
    thread per busy client would take nearly all of it. Reads pass
    freely, and so do requests that wait for their task (``Prefer:
    wait``): they mostly sleep, and must not hold a slot that other
    submissions need.
    """
    semaphore = threading.BoundedSemaphore(slots)

    def bounded(environ, start_response):
        if (environ.get('REQUEST_METHOD') in _READS
                or 'wait' in environ.get('HTTP_PREFER', '')):
            return app(environ, start_response)
        with semaphore:
            # The whole body inside the slot: the work is done there.
            return list(app(environ, start_response))
    return bounded


class WSGIServer:
    """Serve ``app`` on ``host``:``port`` (0 picks a free port).

    :param max_concurrent_writes: non-read requests handled at once
        (see :func:`bounded_writes`); None for no bound.
    """

    def __init__(self, app, host, port, max_concurrent_writes=None):
        if max_concurrent_writes:
            app = bounded_writes(app, max_concurrent_writes)
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

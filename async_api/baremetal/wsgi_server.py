"""The API's HTTP server: waitress, in ``async-api-all`` and in each
worker process of ``async-api-api`` (:mod:`.prefork_server`).

waitress reads every request, headers and body, in its I/O thread and
hands a request to one of ``[api]threads`` threads only once it has
arrived whole, so a slow or stalled client holds a socket, never a
thread; ``[api]client_timeout`` closes it. HTTP/1.1 with keep-alive.
Errors waitress answers itself (a bad request line, headers over the
limit, a body over ``[async_api_api]max_request_body_size``) are API-SIG
JSON like every other. doc/source/admin/deployment.rst says why waitress.
"""

import logging
import threading

from oslo_log import log
from waitress import adjustments
from waitress import channel
from waitress import server
from waitress import task

import async_api
from async_api.baremetal import server_errors

LOG = log.getLogger(__name__)

MAX_HEADER_BYTES = 32 * 1024

# waitress warns each time a request waits for a free thread: that is
# how a bounded pool works under load, not a fault.
logging.getLogger('waitress.queue').setLevel(logging.ERROR)


class _JsonErrorTask(task.ErrorTask):
    """waitress's own errors as API-SIG JSON instead of plain text."""

    def execute(self):
        error = self.request.error
        body = server_errors.document(error.code, error.reason, error.body)
        self.status = '%d %s' % (error.code, error.reason)
        self.response_headers.append(('Content-Type', 'application/json'))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class _Channel(channel.HTTPChannel):
    error_task_class = _JsonErrorTask


class _Server(server.TcpWSGIServer):
    channel_class = _Channel


def adjustments_for(conf, **listen):
    """waitress's settings from the service's options."""
    timeout = conf.api.client_timeout
    return adjustments.Adjustments(
        threads=conf.api.threads,
        channel_timeout=timeout,
        # How often idle and stalled connections are looked for: often
        # enough that one is closed soon after its timeout.
        cleanup_interval=max(1, timeout // 2),
        # The same limit the application enforces, applied before the
        # body is buffered.
        max_request_body_size=conf.async_api_api.max_request_body_size,
        # Proxy headers are oslo.middleware's HTTPProxyToWSGI's to read
        # ([oslo_middleware]enable_proxy_headers_parsing); waitress would
        # otherwise drop them.
        clear_untrusted_proxy_headers=False,
        ident='async_api',
        # Bounds the request line and headers together (waitress has no
        # 414): room for large tokens, not for a memory attack.
        max_request_header_size=MAX_HEADER_BYTES,
        expose_tracebacks=False,
        **listen)


_READS = frozenset(('GET', 'HEAD', 'OPTIONS'))


def bounded_writes(app, slots, turns=None):
    """``app`` handling at most ``slots`` non-read requests at once.

    Fair share between accepting and running: in the embedded deployment
    the conductors share this process and its interpreter lock, and a
    thread per busy client would take nearly all of it. Reads pass
    freely, and so do requests that wait for their task (``Prefer:
    wait``): they mostly sleep, and must not hold a slot that other
    submissions need.

    :param turns: the conductors' turns to compute
        (:attr:`async_api.ConductorService.turns`), or None. Each non-read
        request takes one as well, so that accepts and runs compute one
        at a time; a request that waits for its task gives it back first
        (:data:`async_api.PREFER_BEFORE_WAIT`).
    """
    semaphore = threading.BoundedSemaphore(slots)

    def in_turn(environ, start_response):
        if turns is None:
            return list(app(environ, start_response))
        turn = turns.take(lambda: False)
        environ[async_api.PREFER_BEFORE_WAIT] = turn.give_back
        try:
            # The whole body inside the turn: the work is done there.
            return list(app(environ, start_response))
        finally:
            turn.give_back()

    def bounded(environ, start_response):
        if environ.get('REQUEST_METHOD') in _READS:
            return app(environ, start_response)
        if 'wait' in environ.get('HTTP_PREFER', ''):
            return in_turn(environ, start_response)
        with semaphore:
            return in_turn(environ, start_response)
    return bounded


class CannotListen(Exception):
    """The API's address is taken or refused (``[api]host_ip``/``port``)."""

    @classmethod
    def at(cls, host, port, error):
        # Another service on the port, most often: a traceback would bury
        # the options to change.
        return cls('cannot listen on %s:%s (set [api]host_ip and '
                   '[api]port): %s' % (host, port, error.strerror or error))


class WSGIServer:
    """Serve ``app`` on ``host``:``port`` (0 picks a free port), or on
    listening ``sockets`` that another process opened.

    :raises CannotListen: the address cannot be bound.

    :param max_concurrent_writes: non-read requests handled at once
        (see :func:`bounded_writes`); None for no bound.
    :param turns: the turns to compute of the conductors of this process,
        taken by the non-read requests too (see :func:`bounded_writes`).
    """

    def __init__(self, app, host, port, conf, sockets=None,
                 max_concurrent_writes=None, turns=None):
        if max_concurrent_writes:
            app = bounded_writes(app, max_concurrent_writes, turns)
        # waitress's socket map: emptied, it ends the server's loop.
        self._map = {}
        if sockets:
            adj = adjustments_for(conf, sockets=sockets)
            dispatcher = task.ThreadedTaskDispatcher()
            dispatcher.set_thread_count(adj.threads)
            self._servers = [
                _Server(app, map=self._map, _sock=sock, adj=adj,
                        dispatcher=dispatcher, bind_socket=False,
                        sockinfo=(sock.family, sock.type, sock.proto,
                                  sock.getsockname()))
                for sock in sockets]
        else:
            adj = adjustments_for(conf, host=host, port=port)
            try:
                self._servers = [_Server(app, map=self._map, adj=adj)]
            except OSError as e:
                raise CannotListen.at(host, port, e)
        self._server = self._servers[0]
        self._thread = None

    @property
    def port(self):
        return int(self._server.effective_port)

    @property
    def host(self):
        return self._server.effective_host

    def start(self):
        self._thread = threading.Thread(target=self._server.run,
                                        name='wsgi-server', daemon=True)
        self._thread.start()

    def stop(self):
        # Closing every socket in waitress's map ends its loop; requests
        # being served finish first (the dispatcher's shutdown waits).
        logging.getLogger('waitress').setLevel(logging.CRITICAL)
        self._server.task_dispatcher.shutdown()
        while self._map:
            for dispatcher in list(self._map.values()):
                dispatcher.handle_close()
        if self._thread is not None:
            self._thread.join(10)

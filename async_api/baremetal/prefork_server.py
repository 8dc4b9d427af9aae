"""The server of ``async-api-api``: gunicorn, ``[api]workers`` processes.

Each worker is gunicorn's threaded worker (``gthread``) with
``[api]threads`` threads, HTTP/1.1 keep-alive and two changes of ours:

* a receive timeout of ``[api]client_timeout`` on every client socket:
  gunicorn bounds only the wait for a request's first byte, so a client
  that stops halfway through its headers or body would hold a thread
  for ever; with the timeout the read fails, the request is answered
  ``408`` (:mod:`async_api.api.body`) or the connection is closed;
* errors gunicorn answers itself (a bad request line, a URI or headers
  over its limits) are API-SIG JSON instead of HTML.

doc/source/admin/deployment.rst says why gunicorn.
"""

import html
import re
import socket
import struct

from gunicorn.app import base
from gunicorn import util
from gunicorn.workers import gthread

import async_api
from async_api.baremetal import server_errors

_STATUS_LINE = re.compile(rb'HTTP/1\.[01] (\d{3}) ([^\r\n]*)\r\n')
_DETAIL = re.compile(rb'</h1>(.*)</body>', re.S)


class _Captured:
    """Stands for a client socket to keep what gunicorn writes to it."""

    def __init__(self):
        self.data = b''

    def gettimeout(self):
        return 0.0

    def sendall(self, data):
        self.data += data

    def send(self, data):
        self.data += data
        return len(data)


def _parse_error(raw):
    """(status, reason, detail) of the response gunicorn built."""
    match = _STATUS_LINE.match(raw)
    if match is None:
        return 500, 'Internal Server Error', None
    detail = _DETAIL.search(raw)
    detail = (html.unescape(detail.group(1).decode('latin-1')).strip()
              if detail else None)
    return int(match.group(1)), match.group(2).decode('latin-1'), detail


class Worker(gthread.ThreadWorker):
    """gunicorn's gthread worker with a client timeout and JSON errors."""

    #: Seconds a client may stay silent mid-request (set by :func:`serve`).
    client_timeout = 10

    def enqueue_req(self, conn):
        # SO_RCVTIMEO, not socket.settimeout(): gunicorn switches its
        # sockets between blocking and non-blocking, which resets
        # Python's timeout but not the kernel's.
        seconds = int(self.client_timeout)
        timeval = struct.pack('ll', seconds, 0)
        conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval)
        conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeval)
        super().enqueue_req(conn)

    def handle_error(self, req, client, addr, exc):
        # gunicorn classifies the error, logs it and writes an HTML page;
        # the page is caught here and answered as JSON instead.
        captured = _Captured()
        super().handle_error(req, captured, addr, exc)
        status, reason, detail = _parse_error(captured.data)
        body = server_errors.document(status, reason,
                                      detail if status < 500 else None)
        head = ('HTTP/1.1 %d %s\r\nConnection: close\r\n'
                'Content-Type: application/json\r\n'
                'Content-Length: %d\r\n\r\n' % (status, reason, len(body)))
        try:
            util.write_nonblock(client, head.encode('latin-1') + body)
        except Exception:
            self.log.debug('Failed to send an error response.')


class _Application(base.BaseApplication):

    def __init__(self, load, options):
        self._load = load
        self._options = options
        super().__init__()

    def load_config(self):
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        return self._load()


def options(conf, prog):
    """gunicorn's settings from the service's options."""
    host = conf.api.host_ip
    bind = '[%s]:%d' % (host, conf.api.port) if ':' in host else (
        '%s:%d' % (host, conf.api.port))
    worker = type('Worker', (Worker,),
                  {'client_timeout': conf.api.client_timeout})
    return {
        'bind': [bind],
        'workers': conf.api.workers,
        'worker_class': worker,
        'threads': conf.api.threads,
        'keepalive': conf.api.client_timeout,
        'graceful_timeout': 10,
        # X-Forwarded-Proto is oslo.middleware's HTTPProxyToWSGI's to
        # read, when [oslo_middleware]enable_proxy_headers_parsing says.
        'secure_scheme_headers': {},
        'proc_name': prog,
        'loglevel': 'warning',
    }


def serve(conf, prog, make_app, when_ready=None):
    """Run gunicorn until it is told to stop (SIGTERM, SIGINT).

    :param make_app: builds the WSGI app, in each worker after the fork.
    :param when_ready: called with the listening ``(host, port)`` once
        the workers are being started.
    """
    def load():
        # Connections must not be shared across the fork: each worker
        # opens its own.
        async_api.database().engine.dispose(close=False)
        return make_app()

    settings = options(conf, prog)
    if when_ready is not None:
        settings['when_ready'] = (
            lambda arbiter: when_ready(arbiter.LISTENERS[0].sock
                                       .getsockname()[:2]))
    _Application(load, settings).run()

"""The server of ``async-api-api``: ``[api]workers`` processes.

gunicorn's arbiter manages the processes (starts ``[api]workers``,
replaces one that dies, stops them gracefully on SIGTERM); each worker
serves the sockets the arbiter opened with waitress
(:mod:`.wsgi_server`), the same server as ``async-api-all``'s. gunicorn's
own threaded worker reads a request's headers and body in the thread
that will run it, so a client that stalls holds that thread (gunicorn
bounds only the wait for the first byte); waitress reads whole requests
in its I/O thread first. doc/source/admin/deployment.rst has the
measurements.
"""

import os
import socket
import threading

from gunicorn.app import base
from gunicorn.workers import base as workers_base

import async_api
from async_api.baremetal import wsgi_server


class WaitressWorker(workers_base.Worker):
    """A gunicorn worker that serves its sockets with waitress."""

    #: The service's ``ConfigOpts`` (set by :func:`serve`).
    conf = None

    def run(self):
        server = wsgi_server.WSGIServer(
            self.wsgi, None, None, self.conf,
            sockets=[listener.sock for listener in self.sockets],
            max_concurrent_writes=_writes_at_once())
        server.start()
        stop = threading.Event()
        # The arbiter replaces a worker that stops telling it it is
        # alive; SIGTERM clears self.alive (gunicorn's handler).
        while self.alive and self.ppid == os.getppid():
            self.notify()
            stop.wait(min(1.0, self.timeout / 2.0))
        server.stop()


def _writes_at_once():
    """Requests that change something a worker handles at once.

    One on SQLite, which takes one writer at a time: threads of a worker
    that wait on its lock sleep in SQLite's busy handler, in steps of up
    to 100 ms, and 32 clients submitting saw a p99 of 650-840 ms. Queued
    in the worker instead, p99 fell to 170-190 ms, and more requests went
    through (doc/source/admin/benchmarks.rst). A server database takes
    concurrent writers: no bound there.
    """
    if async_api.database().engine.dialect.name == 'sqlite':
        return 1
    return None


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


def _post_fork(arbiter, worker):
    # The app was built before the fork (preload); database connections
    # must not be shared across it: each worker opens its own.
    async_api.database().engine.dispose(close=False)


def options(conf, prog):
    """gunicorn's settings from the service's options."""
    host = conf.api.host_ip
    bind = '[%s]:%d' % (host, conf.api.port) if ':' in host else (
        '%s:%d' % (host, conf.api.port))
    return {
        'bind': [bind],
        'workers': conf.api.workers,
        'worker_class': type('WaitressWorker', (WaitressWorker,),
                             {'conf': conf}),
        # Built once, before the socket is opened: a worker answers as
        # soon as it is forked, and the workers share the app's pages.
        'preload_app': True,
        'post_fork': _post_fork,
        'graceful_timeout': 10,
        'proc_name': prog,
        'loglevel': 'warning',
    }


def check_address(host, port):
    """Raise CannotListen if ``host``:``port`` cannot be bound now.

    gunicorn's arbiter tries a taken address five times, a second apart,
    logging each attempt, then exits: looked at first, a taken port is
    one line naming the options to change.
    """
    family = socket.AF_INET6 if ':' in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        # As gunicorn binds: a port left in TIME_WAIT is not taken.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as e:
            raise wsgi_server.CannotListen.at(host, port, e)


def serve(conf, prog, make_app, when_ready=None):
    """Run the workers until told to stop (SIGTERM, SIGINT).

    :param make_app: builds the WSGI app.
    :param when_ready: called with the listening ``(host, port)`` once
        the workers are being started.
    :raises CannotListen: the address is taken or refused.
    """
    check_address(conf.api.host_ip, conf.api.port)
    settings = options(conf, prog)
    if when_ready is not None:
        settings['when_ready'] = (
            lambda arbiter: when_ready(arbiter.LISTENERS[0].sock
                                       .getsockname()[:2]))
    _Application(make_app, settings).run()
